"""The project package is `config/`, not `platform/`: a root package named `platform`
would shadow the standard library module that pytest, redis-py, uuid and Celery call."""

import platform
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_platform_is_the_standard_library_module():
    assert platform.system()
    assert Path(platform.__file__).parent == Path(sysconfig.get_paths()["stdlib"])


def test_the_platform_folder_is_not_a_python_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()
