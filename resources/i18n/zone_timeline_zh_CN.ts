<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>DetailView</name>
    <message>
        <source>Event details</source>
        <translation>事件详情</translation>
    </message>
    <message>
        <source>Tab goes through the links, Ctrl+Tab on to the next pane.</source>
        <translation>按 Tab 逐个经过链接，按 Ctrl+Tab 直接转到下一个窗格。</translation>
    </message>
    <message>
        <source>Select an event on the timeline, the map or the table to see its details and sources.</source>
        <translation>在时间线、地图或表格中选择一个事件，即可查看其详情和来源。</translation>
    </message>
    <message numerus="yes">
        <source>%n events selected.</source>
        <translation>
            <numerusform>已选择 %n 个事件。</numerusform>
        </translation>
    </message>
    <message>
        <source>No events match the current filters.</source>
        <translation>没有符合当前筛选条件的事件。</translation>
    </message>
    <message>
        <source>Hidden by the current filters: the other panes show it again when they are cleared.</source>
        <translation>当前筛选条件隐藏了此事件；清除筛选后，其他窗格会重新显示它。</translation>
    </message>
    <message>
        <source>year</source>
        <translation>年</translation>
    </message>
    <message>
        <source>month</source>
        <translation>月</translation>
    </message>
    <message>
        <source>day</source>
        <translation>日</translation>
    </message>
    <message>
        <source>(precision: %1)</source>
        <translation>（精度：%1）</translation>
    </message>
    <message>
        <source>Inferred date: %1</source>
        <translation>推断日期：%1</translation>
    </message>
    <message>
        <source>Occurred</source>
        <translation>已发生</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>Reported as of publication</source>
        <translation>截至发表时的报道</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Storylines</source>
        <translation>故事线</translation>
    </message>
    <message>
        <source>Importance</source>
        <translation>重要性</translation>
    </message>
    <message>
        <source>Event id</source>
        <translation>事件 ID</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>关键数据</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Cited passages are not stored in this database. Rebuild it with “zone-timeline db build --corpus DIR”, where DIR holds the article files (../shared/seeds beside the project).</source>
        <translation>此数据库未保存引文段落。请用“zone-timeline db build --corpus DIR”重新构建，其中 DIR 为存放文章文件的目录（项目旁的 ../shared/seeds）。</translation>
    </message>
    <message>
        <source>Same storyline: %1</source>
        <translation>同一故事线：%1</translation>
    </message>
    <message numerus="yes">
        <source>…and %n more: show the whole storyline</source>
        <translation>
            <numerusform>……另有 %n 条：查看整条故事线</numerusform>
        </translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>发表于</translation>
    </message>
    <message>
        <source>(confidence: %1)</source>
        <translation>（可信度：%1）</translation>
    </message>
    <message>
        <source>line %1, characters %2–%3</source>
        <translation>第 %1 行，第 %2–%3 字</translation>
    </message>
    <message>
        <source>Sources disagree</source>
        <translation>来源存在分歧</translation>
    </message>
</context>
<context>
    <name>EventTable</name>
    <message>
        <source>Events</source>
        <translation>事件列表</translation>
    </message>
    <message>
        <source>Sort by %1</source>
        <translation>按%1排序</translation>
    </message>
    <message>
        <source>Ascending</source>
        <translation>升序</translation>
    </message>
    <message>
        <source>Descending</source>
        <translation>降序</translation>
    </message>
    <message>
        <source>%1 of %2 events</source>
        <translation>显示 %1 / %2 个事件</translation>
    </message>
</context>
<context>
    <name>EventTableModel</name>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>date inferred</source>
        <translation>日期为推断</translation>
    </message>
    <message>
        <source>Sources disagree</source>
        <translation>来源存在分歧</translation>
    </message>
    <message>
        <source>Date inferred: %s</source>
        <translation>推断日期：%s</translation>
    </message>
    <message>
        <source>Sources disagree (conflict group %s)</source>
        <translation>来源存在分歧（冲突组 %s）</translation>
    </message>
</context>
<context>
    <name>EventTableView</name>
    <message>
        <source>No events match the current filters.</source>
        <translation>没有符合当前筛选条件的事件。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Name the image file .png or .svg.</source>
        <translation>图像文件名须以 .png 或 .svg 结尾。</translation>
    </message>
    <message>
        <source>This text encoding is not supported.</source>
        <translation>不支持这种文本编码。</translation>
    </message>
    <message>
        <source>The chosen path is a folder. Choose a file name.</source>
        <translation>所选路径是一个文件夹，请指定文件名。</translation>
    </message>
    <message>
        <source>The folder of this file does not exist.</source>
        <translation>该文件所在的文件夹不存在。</translation>
    </message>
    <message>
        <source>A name in this path is a file, where a folder should be.</source>
        <translation>路径中有一项是文件，而那里应是文件夹。</translation>
    </message>
    <message>
        <source>The chosen path is a device or pipe, not a file. Choose a file name.</source>
        <translation>所选路径是设备或管道，不是文件。请选择一个文件名。</translation>
    </message>
    <message>
        <source>The chosen file is write-protected. Choose another name, or make it writable.</source>
        <translation>所选文件受写保护。请另选文件名，或先将其设为可写。</translation>
    </message>
    <message>
        <source>Cannot write in this folder (no permission or read-only).</source>
        <translation>无法写入该文件夹（没有权限或为只读）。</translation>
    </message>
    <message>
        <source>Some text cannot be written in this encoding. Choose UTF-8.</source>
        <translation>部分文字无法用此编码写入，请选择 UTF-8。</translation>
    </message>
    <message>
        <source>The file could not be written (disk full, or the file is open in another program). Any existing file is unchanged.</source>
        <translation>无法写入文件（磁盘已满，或文件正被其他程序占用）。原有文件保持不变。</translation>
    </message>
    <message>
        <source>Export timelines to CSV</source>
        <translation>将时间线导出为 CSV</translation>
    </message>
    <message>
        <source>What to export (always within the current filters):</source>
        <translation>导出范围（始终限于当前筛选条件）：</translation>
    </message>
    <message>
        <source>Selected timelines</source>
        <translation>所选时间线</translation>
    </message>
    <message>
        <source>Selected events</source>
        <translation>所选事件</translation>
    </message>
    <message>
        <source>All events under the current filters</source>
        <translation>当前筛选条件下的全部事件</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Storyline</source>
        <translation>故事线</translation>
    </message>
    <message>
        <source>Timelines by:</source>
        <translation>时间线划分：</translation>
    </message>
    <message>
        <source>UTF-8 with BOM (Excel)</source>
        <translation>UTF-8 带 BOM（适用于 Excel）</translation>
    </message>
    <message>
        <source>UTF-8</source>
        <translation>UTF-8</translation>
    </message>
    <message>
        <source>GB18030</source>
        <translation>GB18030</translation>
    </message>
    <message>
        <source>Encoding:</source>
        <translation>编码：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) will be written.</source>
        <translation>
            <numerusform>将写入 %n 行。</numerusform>
        </translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>请选择文件</translation>
    </message>
    <message>
        <source>Choose a full path for the file, such as %1.</source>
        <translation>请为文件选择完整路径，例如 %1。</translation>
    </message>
    <message>
        <source>Replace the file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <source>%1 already exists. Replace it?</source>
        <translation>%1 已存在。要替换它吗？</translation>
    </message>
    <message>
        <source>The chosen file is the open event database. Choose another file name.</source>
        <translation>所选文件正是打开着的事件数据库。请另选一个文件名。</translation>
    </message>
    <message>
        <source>Exporting %n rows…</source>
        <translation>正在导出 %n 行…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>FilterPanel</name>
    <message>
        <source>Search titles, summaries, zones…</source>
        <translation>搜索标题、摘要、区域…</translation>
    </message>
    <message>
        <source>Every word must match; Traditional and Simplified both work (Ctrl+F)</source>
        <translation>须匹配每个词；繁体、简体均可（Ctrl+F）</translation>
    </message>
    <message>
        <source>Clear all</source>
        <translation>全部清除</translation>
    </message>
    <message>
        <source>Remove every filter</source>
        <translation>移除所有筛选条件</translation>
    </message>
    <message>
        <source>Zones</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Years</source>
        <translation>年份</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年份</translation>
    </message>
    <message>
        <source>Remove the year range</source>
        <translation>移除年份范围</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Storylines</source>
        <translation>故事线</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>No filters set</source>
        <translation>未设筛选条件</translation>
    </message>
    <message>
        <source>Formerly: {names}</source>
        <translation>曾用名：{names}</translation>
    </message>
    <message>
        <source>Also: {names}</source>
        <translation>又称：{names}</translation>
    </message>
    <message>
        <source>All {total} events</source>
        <translation>全部 {total} 个事件</translation>
    </message>
    <message>
        <source>{shown} of {total} events</source>
        <translation>显示 {shown} / {total} 个事件</translation>
    </message>
    <message>
        <source>Remove the filter {name}</source>
        <translation>移除筛选条件：{name}</translation>
    </message>
</context>
<context>
    <name>ImageExportDialog</name>
    <message>
        <source>Export image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Pane:</source>
        <translation>窗格：</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>宽度：</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>File (.png or .svg):</source>
        <translation>文件（.png 或 .svg）：</translation>
    </message>
    <message>
        <source>Images (*.png *.svg)</source>
        <translation>图像 (*.png *.svg)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Settings cannot be saved (%1): the layout, language and filters will not be remembered.</source>
        <translation>设置无法保存（%1）：窗口布局、语言和筛选条件将不会被记住。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open database…</source>
        <translation>打开数据库(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Rebuild database from bundled sources</source>
        <translation>从内置数据源重建数据库(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export &amp;image…</source>
        <translation>导出图像(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Lanes by</source>
        <translation>时间线划分(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Zone</source>
        <translation>区域(&amp;Z)</translation>
    </message>
    <message>
        <source>&amp;Category</source>
        <translation>类别(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Storyline</source>
        <translation>故事线(&amp;S)</translation>
    </message>
    <message>
        <source>Fit &amp;all</source>
        <translation>全部显示(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Zoom to selection</source>
        <translation>缩放至所选(&amp;Z)</translation>
    </message>
    <message>
        <source>Map: zoom to &amp;Yangquan</source>
        <translation>地图：缩放至阳泉(&amp;Y)</translation>
    </message>
    <message>
        <source>Map: all of Shan&amp;xi</source>
        <translation>地图：显示山西全省(&amp;X)</translation>
    </message>
    <message>
        <source>Select the event&apos;s &amp;timeline</source>
        <translation>选择该事件所在时间线(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Previous event</source>
        <translation>上一个事件(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next event</source>
        <translation>下一个事件(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Clear selection</source>
        <translation>清除选择(&amp;C)</translation>
    </message>
    <message>
        <source>Clear all &amp;filters</source>
        <translation>清除所有筛选(&amp;F)</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>语言(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>The database last open cannot be used (%1): %2</source>
        <translation>上次打开的数据库无法使用（%1）：%2</translation>
    </message>
    <message>
        <source>could not be shown (%1)</source>
        <translation>无法显示（%1）</translation>
    </message>
    <message>
        <source>Database cannot be used</source>
        <translation>无法使用数据库</translation>
    </message>
    <message>
        <source>The event database cannot be opened:</source>
        <translation>无法打开事件数据库：</translation>
    </message>
    <message>
        <source>Rebuild from bundled sources</source>
        <translation>从内置数据源重建</translation>
    </message>
    <message>
        <source>Open another file…</source>
        <translation>打开其他文件…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The file does not exist.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <source>It is a folder, not a database file.</source>
        <translation>这是一个文件夹，不是数据库文件。</translation>
    </message>
    <message>
        <source>It is a device or a pipe, not a database file.</source>
        <translation>这是一个设备或管道，不是数据库文件。</translation>
    </message>
    <message>
        <source>The file is empty: it holds no database.</source>
        <translation>文件是空的，其中没有数据库。</translation>
    </message>
    <message>
        <source>The file is not an SQLite database, or it is damaged.</source>
        <translation>该文件不是 SQLite 数据库，或已损坏。</translation>
    </message>
    <message>
        <source>The file is an SQLite database, but not an event database of this app.</source>
        <translation>该文件是 SQLite 数据库，但不是本应用的事件数据库。</translation>
    </message>
    <message>
        <source>The database was made by another version of the app. Rebuild it.</source>
        <translation>该数据库由其他版本的应用生成，请重新构建。</translation>
    </message>
    <message>
        <source>The database was made by a newer version of the app. Update the app to open it; rebuilding would make the bundled events, not this file&apos;s.</source>
        <translation>该数据库由更新版本的应用生成。请升级应用后再打开；重建只会生成随附的事件，而不是此文件中的内容。</translation>
    </message>
    <message>
        <source>The file is damaged: some of it cannot be read.</source>
        <translation>文件已损坏：其中部分内容无法读取。</translation>
    </message>
    <message>
        <source>The file cannot be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
    <message>
        <source>Open event database</source>
        <translation>打开事件数据库</translation>
    </message>
    <message>
        <source>Event databases (*.sqlite *.db);;All files (*)</source>
        <translation>事件数据库 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Rebuilding the database…</source>
        <translation>正在重建数据库…</translation>
    </message>
    <message>
        <source>Rebuild failed</source>
        <translation>重建失败</translation>
    </message>
    <message>
        <source>Database rebuilt: %1</source>
        <translation>数据库已重建：%1</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>未打开数据库</translation>
    </message>
    <message>
        <source>The database cannot be used</source>
        <translation>数据库无法使用</translation>
    </message>
    <message>
        <source>Open a database…</source>
        <translation>打开数据库…</translation>
    </message>
    <message>
        <source>Open the bundled database</source>
        <translation>打开内置数据库</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>%1 of %2 events</source>
        <translation>显示 %1 / %2 个事件</translation>
    </message>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>已选择 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n hidden by the filters)</source>
        <translation>
            <numerusform>（其中 %n 个被筛选条件隐藏）</numerusform>
        </translation>
    </message>
    <message>
        <source>Select an event first: its timeline is then selected.</source>
        <translation>请先选择一个事件，随后将选中其所在的时间线。</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Image export failed</source>
        <translation>图像导出失败</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>About %1</source>
        <translation>关于%1</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Events curated from five Chinese articles (2017–2025) on Shanxi development zones; each event cites its source passage.</source>
        <translation>事件整理自五篇关于山西开发区的中文文章（2017–2025）；每个事件均注明出处段落。</translation>
    </message>
    <message>
        <source>Data sources and licences</source>
        <translation>数据来源与许可</translation>
    </message>
    <message>
        <source>Map: Natural Earth 10m province boundaries (public domain).</source>
        <translation>地图：Natural Earth 1:1000 万省级行政区界线（公有领域）。</translation>
    </message>
    <message>
        <source>Font: WenQuanYi Micro Hei (Apache License 2.0).</source>
        <translation>字体：文泉驿微米黑（Apache License 2.0）。</translation>
    </message>
    <message>
        <source>Event titles and summaries: written by the project in its own words; facts and figures from the cited articles.</source>
        <translation>事件标题与摘要：由本项目自行撰写；事实与数据出自所引文章。</translation>
    </message>
    <message>
        <source>The app: MIT licence.</source>
        <translation>本软件：MIT 许可证。</translation>
    </message>
    <message>
        <source>Built with Python (PSF licence), Qt for Python (PySide6 and Qt 6, LGPL-3.0), pyqtgraph (MIT), NumPy (BSD-3-Clause), SQLAlchemy (MIT) and OpenCC (Apache-2.0); their licence texts come with the app (%1).</source>
        <translation>使用 Python（PSF 许可证）、Qt for Python（PySide6 与 Qt 6，LGPL-3.0）、pyqtgraph（MIT）、NumPy（BSD-3-Clause）、SQLAlchemy（MIT）和 OpenCC（Apache-2.0）构建；各自的许可证文本随软件附带（%1）。</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>Shanxi</source>
        <translation>全省</translation>
    </message>
    <message>
        <source>Show all of Shanxi</source>
        <translation>显示山西全境</translation>
    </message>
    <message>
        <source>Yangquan</source>
        <translation>缩放至阳泉</translation>
    </message>
    <message>
        <source>Zoom in on Yangquan, where most zones lie close together</source>
        <translation>放大阳泉，多数开发区集中于此</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Show the whole map</source>
        <translation>显示整幅地图</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Zoom in (+ key)</source>
        <translation>放大（+ 键）</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <source>Zoom out (− key)</source>
        <translation>缩小（− 键）</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zone map</source>
        <translation>开发区地图</translation>
    </message>
    <message>
        <source>Each place&apos;s marker is sized by its events under the filters; click one to filter by it. + and − zoom, Shift and the arrow keys move the map, Home shows all of Shanxi.</source>
        <translation>各地标记的大小表示当前筛选下的事件数；点击标记即按该地筛选。按 + 和 − 缩放，按住 Shift 加方向键移动地图，按 Home 显示山西全省。</translation>
    </message>
    <message>
        <source>● zone  ■ park  ◆ company · size: number of events</source>
        <translation>● 区域  ■ 园区  ◆ 企业 · 大小：事件数量</translation>
    </message>
    <message>
        <source>The basemap could not be read, so the map shows the places without it: %1</source>
        <translation>底图无法读取，地图上只显示各地点：%1</translation>
    </message>
    <message>
        <source>%1 km</source>
        <translation>%1 公里</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>省</translation>
    </message>
    <message>
        <source>Prefecture-level city</source>
        <translation>地级市</translation>
    </message>
    <message>
        <source>County or district</source>
        <translation>县/区</translation>
    </message>
    <message>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <source>Development zone</source>
        <translation>开发区</translation>
    </message>
    <message>
        <source>Industrial park</source>
        <translation>产业园区</translation>
    </message>
    <message>
        <source>Company site</source>
        <translation>企业厂区</translation>
    </message>
    <message>
        <source>Outside Shanxi</source>
        <translation>山西省外</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) here</source>
        <translation>
            <numerusform>此处有 %n 个事件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) including places within it</source>
        <translation>
            <numerusform>含下辖地点共 %n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>Location approximate</source>
        <translation>位置为近似值</translation>
    </message>
    <message>
        <source>Beyond the map (%1): %2° E, %3° N</source>
        <translation>超出地图范围（%1）：东经 %2°，北纬 %3°</translation>
    </message>
    <message>
        <source>Click to remove from the filter</source>
        <translation>点击从筛选中移除</translation>
    </message>
    <message>
        <source>Click to filter by this place</source>
        <translation>点击按此地筛选</translation>
    </message>
</context>
<context>
    <name>MarkerLayer</name>
    <message numerus="yes">
        <source>(%n more)</source>
        <translation>
            <numerusform>（另有 %n 处）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineToolbar</name>
    <message>
        <source>Fit all</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>Show every event (Home)</source>
        <translation>显示所有事件（Home）</translation>
    </message>
    <message>
        <source>Zoom to selection</source>
        <translation>缩放至所选</translation>
    </message>
    <message>
        <source>Zoom to the selected events</source>
        <translation>缩放至所选事件</translation>
    </message>
    <message>
        <source>Brush years</source>
        <translation>框选年份</translation>
    </message>
    <message>
        <source>Filter by a span of years: drag the shaded band or its edges</source>
        <translation>按年份区间筛选：拖动阴影带或其边缘</translation>
    </message>
    <message>
        <source>Lanes by:</source>
        <translation>时间线划分：</translation>
    </message>
    <message>
        <source>Lanes by</source>
        <translation>泳道分组</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Storyline</source>
        <translation>故事线</translation>
    </message>
    <message>
        <source>One timeline per zone, category or storyline</source>
        <translation>按区域、类别或故事线各显示一条时间线</translation>
    </message>
</context>
<context>
    <name>TimelineTooltips</name>
    <message>
        <source>Date inferred from the text</source>
        <translation>日期由文中推断</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>Sources disagree</source>
        <translation>来源存在分歧</translation>
    </message>
    <message numerus="yes">
        <source>%n events on %1 (click to select them)</source>
        <translation>
            <numerusform>%1 有 %n 个事件（点击全部选中）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n events here (click to select them)</source>
        <translation>
            <numerusform>此处有 %n 个事件（点击全部选中）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) here; zoom in to see them</source>
        <translation>
            <numerusform>此处有 %n 个事件；放大即可查看</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Events in lanes over the years. ← and → step from event to event, + and − zoom, Home shows every event.</source>
        <translation>事件按泳道沿年份排列。按 ← 和 → 逐个切换事件，按 + 和 − 缩放，按 Home 显示全部事件。</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Earlier</source>
        <translation>更早</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>更晚</translation>
    </message>
    <message>
        <source>Scroll lanes up</source>
        <translation>时间线向上滚动</translation>
    </message>
    <message>
        <source>Scroll lanes down</source>
        <translation>时间线向下滚动</translation>
    </message>
    <message>
        <source>Fit all</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>No events match the current filters.</source>
        <translation>没有符合当前筛选条件的事件。</translation>
    </message>
    <message>
        <source>exact day</source>
        <translation>精确到日</translation>
    </message>
    <message>
        <source>A point is an event known to the day; a bar spans the year or month its date is known to</source>
        <translation>圆点：日期精确到日的事件；条形：日期只精确到年或月，横跨该年或该月</translation>
    </message>
    <message>
        <source>inferred</source>
        <translation>推断日期</translation>
    </message>
    <message>
        <source>The date is inferred from the text</source>
        <translation>日期由文中推断</translation>
    </message>
    <message>
        <source>Planned, not (yet) reported as done</source>
        <translation>计划中，尚无完成的报道</translation>
    </message>
    <message>
        <source>disputed</source>
        <translation>来源分歧</translation>
    </message>
    <message>
        <source>Sources disagree about this event</source>
        <translation>各来源对此事件的说法存在分歧</translation>
    </message>
    <message>
        <source>same date</source>
        <translation>同日事件</translation>
    </message>
    <message>
        <source>Several events on the same date, striped by category; click to select them</source>
        <translation>同一日期的多个事件，按类别以条纹显示；点击可全部选中</translation>
    </message>
    <message>
        <source>more</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>More overlapping events than the lane has rows; click to select them</source>
        <translation>重叠事件多于该时间线的行数；点击可全部选中</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>计划中</translation>
    </message>
</context>
</TS>
