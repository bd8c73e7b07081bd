"""The papermill layer of the notebook tests, and the notebook template.

``pytest --nbval-lax`` (in the project's addopts) runs every notebook as stored and
compares its check cells. This file runs every notebook in ``notebooks/`` again with
papermill, injecting smoke parameters (a smaller budget, other strategy names), and
checks that each notebook keeps the course template in its commit-ready form. New
notebooks are picked up by the glob; give them smoke parameters in ``SMOKE``.
"""
from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

#: Parameters injected into a notebook unknown to ``SMOKE``.
DEFAULT_SMOKE = {"seed": 1}

#: Smoke parameters per notebook file: a small budget and, where the notebook has a
#: strategy parameter, a strategy other than its default.
SMOKE = {
    "00_what_is_nas.ipynb": {"seed": 1, "strategy_name": "rea", "trials": 3, "epochs": 1, "final_epochs": 1,
                             "compare_runs": 2},
    "01_search_spaces.ipynb": {"seed": 1, "samples": 3, "latency_repeats": 1},
    "02_random_and_grid_search.ipynb": {"seed": 1, "strategy_name": "ls", "trials": 3, "epochs": 1},
    "03_evolutionary_search.ipynb": {"seed": 1, "strategy_name": "rea", "runs": 2, "population_size": 5,
                                     "trials": 4, "epochs": 1},
    "05_bayesian_optimization.ipynb": {"seed": 1, "strategy_name": "bo", "encoding": "onehot", "acquisition": "ucb",
                                       "train_size": 20, "runs": 2, "trials": 4, "epochs": 1},
    "04_reinforcement_learning.ipynb": {"seed": 1, "policy_name": "reinforce-lstm", "runs": 2, "table_trials": 20,
                                        "lstm_trials": 10, "trials": 3, "epochs": 1},
    "06_multi_fidelity.ipynb": {"seed": 1, "real_strategy": "sh", "max_budget": 3, "runs": 3, "table_cost": 8000.0},
    "07_reproducing_a_nas_paper.ipynb": {"seed": 1, "runs": 3, "strategies": ["rs", "hyperband"], "points": 8},
    "08_how_good_is_my_estimate.ipynb": {"seed": 1, "archs": 6, "proxies": ["params", "snip"],
                                         "replay_trainings": 8, "search_trials": 10},
    "09_weight_sharing_and_enas.ipynb": {"seed": 1, "supernet_epochs": 1, "ranked_archs": 6, "strategy_name": "rs",
                                         "search_trials": 4, "enas_epochs": 2, "enas_steps": 4},
    "10_darts_and_gdas.ipynb": {"seed": 1, "epochs": 2, "train_samples": 128, "eigen_iterations": 2, "es_window": 1,
                                "second_order": True},
    "13_multi_objective_and_hardware_aware_nas.ipynb": {"seed": 1, "runs": 2, "budget": 4000.0, "population_size": 6,
                                                        "lut_archs": 4, "latency_repeats": 3},
    "17_scaling_out_with_dask.ipynb": {"seed": 1, "sim_workers": [1, 4], "sim_seeds": 2, "sim_trials": 60,
                                       "real_trials": 4, "epochs": 0.25},
    "11_a_second_benchmark_and_progressive_search.ipynb": {"seed": 1, "queries": 30, "beam": 2, "runs": 2,
                                                            "strategies": ["rea", "pnas"], "budgets": [20, 40]},
    "12_evolving_a_learning_algorithm.ipynb": {"seed": 1, "individuals": 3000, "population": 100},
    "14_once_for_all_and_transfer.ipynb": {"seed": 1, "full_epochs": 0.3, "phase_epochs": 0.1, "predictor_archs": 10,
                                           "candidates": 20, "trials": 12},
    "16_nas_for_medical_3d_imaging.ipynb": {"seed": 1, "strategy_name": "rea", "num_samples": 60, "num_test": 30,
                                            "trials": 2, "search_epochs": 1, "final_epochs": 1},
    "15_nas_for_object_detection.ipynb": {"seed": 1, "strategy_name": "rea", "num_train": 64, "num_val": 32,
                                          "num_test": 32, "trials": 2, "search_epochs": 1, "final_epochs": 1,
                                          "resamples": 20},
}

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _parameter_cell(cells: list[dict]) -> dict:
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"need exactly one cell tagged 'parameters', found {len(tagged)}"
    return tagged[0]


def _parameters(cells: list[dict]) -> dict[str, object]:
    """The names and literal values the parameters cell assigns (anything else fails)."""
    values = {}
    for statement in ast.parse(_source(_parameter_cell(cells))).body:
        assert isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], ast.Name), \
            f"parameters cell may only assign literals to names: {ast.unparse(statement)!r}"
        values[statement.targets[0].id] = ast.literal_eval(statement.value)
    return values


def _cleaner():
    spec = importlib.util.spec_from_file_location("clean_notebooks", ROOT / "scripts" / "clean_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_clean_keeps_check_outputs_tags_and_nothing_else(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_code_cell("seed = 0", execution_count=3, metadata={"tags": ["parameters"], "scrolled": True}),
        new_code_cell("print(1)", execution_count=4, outputs=[new_output("stream", name="stdout", text="1\n")]),
        new_code_cell(CHECK_MARK + "\nprint(2)", execution_count=5,
                      outputs=[new_output("stream", name="stdout", text="2\n"),
                               new_output("execute_result", {"text/plain": "2"}, execution_count=5)]),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                 "language_info": {"name": "python", "version": "3.11.7"}, "papermill": {"duration": 1.0}})
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    cleaner = _cleaner()
    assert cleaner.main(["--check", str(path)]) == 1
    assert cleaner.main([str(path)]) == 0
    assert cleaner.main(["--check", str(path)]) == 0
    cleaned = json.loads(path.read_text())
    assert cleaned["metadata"] == {"kernelspec": cleaner.KERNELSPEC}
    params, plain, check = cleaned["cells"][1:]
    assert params["metadata"] == {"tags": ["parameters"]} and params["execution_count"] is None
    assert plain["outputs"] == [] and plain["execution_count"] is None
    assert [o["output_type"] for o in check["outputs"]] == ["stream", "execute_result"]
    assert check["execution_count"] == check["outputs"][1]["execution_count"] == cleaner.CHECK_COUNT


def test_the_course_has_notebooks():
    assert [p.name for p in NOTEBOOKS][:3] == ["00_what_is_nas.ipynb", "01_search_spaces.ipynb",
                                               "02_random_and_grid_search.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_template(path):
    cells = _cells(path)
    assert cells[0]["cell_type"] == "markdown" and _source(cells[0]).startswith("# "), "starts with a title"
    parameters = _parameters(cells)
    assert parameters.get("FULL_RUN") is False, "the parameters cell sets FULL_RUN = False"
    assert "seed" in parameters
    for name in SMOKE.get(path.name, DEFAULT_SMOKE):
        assert name in parameters, f"smoke parameter {name!r} is not a parameter of {path.name}"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert any(_source(c).startswith(CHECK_MARK) for c in code), "has a '# NBVAL_CHECK_OUTPUT' cell"
    assert any("import naslib_mini as nm" in _source(c).splitlines() for c in code), "imports naslib_mini as nm"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_clean(path):
    cleaner = _cleaner()
    text = path.read_text(encoding="utf-8")
    assert cleaner.dumps(cleaner.clean(json.loads(text))) == text, \
        f"run: python scripts/clean_notebooks.py {path.relative_to(ROOT)}"
    checks = [c for c in _cells(path) if c["cell_type"] == "code" and _source(c).startswith(CHECK_MARK)]
    assert all(c["outputs"] for c in checks), "check cells keep the outputs nbval compares"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_with_smoke_parameters(path, tmp_path):
    import nbformat
    import papermill

    parameters = SMOKE.get(path.name, DEFAULT_SMOKE)
    output = tmp_path / path.name
    papermill.execute_notebook(str(path), str(output), parameters=parameters, kernel_name="python3",
                               cwd=str(NOTEBOOK_DIR), progress_bar=False)
    executed = nbformat.read(output, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    namespace: dict = {}
    exec(injected[0].source, namespace)
    assert {name: namespace[name] for name in parameters} == parameters
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    check = next(c for c in executed.cells if c.cell_type == "code" and c.source.startswith(CHECK_MARK))
    assert any(o.output_type == "stream" and o.text.strip() for o in check.outputs), "the check cell printed"
