"""``likeness.__all__`` lists exactly the public names of the package (httpx style)."""

import likeness


def test_all_lists_every_public_name_and_nothing_else():
    public = {name for name in dir(likeness) if not name.startswith("_")}
    # submodules imported as a side effect of importing the package are not part of the API
    modules = {name for name in public if type(getattr(likeness, name)).__name__ == "module"}
    assert set(likeness.__all__) - {"__version__"} == public - modules


def test_every_error_derives_from_the_one_base():
    for name in likeness.__all__:
        obj = getattr(likeness, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, likeness.Error)
