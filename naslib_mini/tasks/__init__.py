"""Tasks. Importing this package registers every task in ``TASKS``."""
from naslib_mini.tasks.base import TASKS, Task, TaskSpec
from naslib_mini.tasks.classification import cache_dir

__all__ = ["TASKS", "Task", "TaskSpec", "cache_dir"]
