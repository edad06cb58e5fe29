from erasure_docs import __version__


def test_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and __version__ in out
