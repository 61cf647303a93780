"""The garbage collector at start-up (explorer.collector): paused by the entry point for the
window only, started again frozen, and what was frozen let go again.

Each check runs in its own interpreter: it changes the collector of the whole process.
"""

from tests.core import run_python


def _python(code: str) -> str:
    return run_python(code).strip()


def test_resume_freezes_what_start_up_made_and_release_lets_it_go():
    out = _python("""
        import gc
        from explorer import collector
        collector.pause()
        assert not gc.isenabled()
        made = [[i] for i in range(5000)]  # start-up's objects
        collector.resume()
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen > 5000, frozen
        collector.resume()  # running already: nothing more is frozen
        assert gc.get_freeze_count() == frozen
        collector.release()
        assert gc.get_freeze_count() == 0
        print("ok")
    """)
    assert out == "ok"


def test_a_collector_never_paused_is_never_frozen():
    out = _python("""
        import gc
        from explorer import collector
        made = [[i] for i in range(5000)]
        collector.resume()
        print(gc.isenabled(), gc.get_freeze_count())
    """)
    assert out == "True 0"


def test_the_entry_point_pauses_the_collector_for_the_window_only(tmp_path):
    """``python -m explorer`` / ``zone-timeline``: the window starts with the collector
    paused (its first paint starts it again, see the GUI tests); every other command runs
    with it on, as a plain Python program."""
    out = _python(f"""
        import gc, sys
        import explorer.cli as cli
        import explorer.gui.app as gui
        seen = []
        cli.cmd_export = lambda args: seen.append(("export", gc.isenabled())) or 0
        cli.cmd_db = lambda args: seen.append(("db", gc.isenabled())) or 0
        gui.render_main = lambda args: seen.append(("render", gc.isenabled())) or 0
        gui.self_test_main = lambda args: seen.append(("self-test", gc.isenabled())) or 0
        gui.run = lambda args, preload: seen.append(("window", gc.isenabled())) or 0
        from explorer.__main__ import main
        db = {str(tmp_path / "none.sqlite")!r}
        for argv in (["export", "--all", "-o", "-"], ["db", "coverage"], ["render", "-o", "x.png"], ["--self-test"],
                     ["--db", db]):
            gc.enable()
            sys.argv = ["zone-timeline", *argv]
            assert main() == 0
        print(seen)
    """)
    assert out == str([("export", True), ("db", True), ("render", True), ("self-test", True), ("window", False)])
