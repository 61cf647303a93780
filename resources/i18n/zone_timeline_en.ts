<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DetailView</name>
    <message numerus="yes">
        <source>%n events selected.</source>
        <translation>
            <numerusform>%n event selected.</numerusform>
            <numerusform>%n events selected.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more: show the whole storyline</source>
        <translation>
            <numerusform>…and %n more: show the whole storyline</numerusform>
            <numerusform>…and %n more: show the whole storyline</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>%n row(s) will be written.</source>
        <translation>
            <numerusform>%n row will be written.</numerusform>
            <numerusform>%n rows will be written.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n selected</source>
        <translation>
            <numerusform>%n selected</numerusform>
            <numerusform>%n selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n hidden by the filters)</source>
        <translation>
            <numerusform>(%n hidden by the filters)</numerusform>
            <numerusform>(%n hidden by the filters)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message numerus="yes">
        <source>%n event(s) here</source>
        <translation>
            <numerusform>%n event here</numerusform>
            <numerusform>%n events here</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) including places within it</source>
        <translation>
            <numerusform>%n event including places within it</numerusform>
            <numerusform>%n events including places within it</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MarkerLayer</name>
    <message numerus="yes">
        <source>(%n more)</source>
        <translation>
            <numerusform>(%n more)</numerusform>
            <numerusform>(%n more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TimelineTooltips</name>
    <message numerus="yes">
        <source>%n events on %1 (click to select them)</source>
        <translation>
            <numerusform>%n event on %1 (click to select it)</numerusform>
            <numerusform>%n events on %1 (click to select them)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n events here (click to select them)</source>
        <translation>
            <numerusform>%n event here (click to select it)</numerusform>
            <numerusform>%n events here (click to select them)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) here; zoom in to see them</source>
        <translation>
            <numerusform>%n event here; zoom in to see it</numerusform>
            <numerusform>%n events here; zoom in to see them</numerusform>
        </translation>
    </message>
</context>
</TS>
