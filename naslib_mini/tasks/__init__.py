"""Tasks. Importing this package registers every task in ``TASKS``."""
from naslib_mini.tasks.base import TASKS, Task, TaskSpec
from naslib_mini.tasks.classification import cache_dir
from naslib_mini.tasks import lesions, medmnist  # noqa: F401  (register lesions3d and medmnist3d)
from naslib_mini.tasks import ucr  # noqa: F401  (registers ucr)
from naslib_mini.tasks.images import load_mnist_digits

__all__ = ["TASKS", "Task", "TaskSpec", "cache_dir", "load_mnist_digits"]
from naslib_mini.tasks import digit_scenes as _digit_scenes  # noqa: E402,F401  (registers digit-scenes)
from naslib_mini.tasks.digit_scenes import DetectionTask, Objects  # noqa: E402
__all__ += ["DetectionTask", "Objects"]
