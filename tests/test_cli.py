"""The command line, ``python -m lessons``: each subcommand prints what the package computes,
flags are named after the parameters they set, and bad input exits 2 with a message, never a
traceback."""

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import budget, cli, flops, memory
from lessons.architecture import Architecture, param_counts
from lessons.models import ARCHITECTURES
from lessons.throughput import training_time

FIXTURES = Path(__file__).parent / "fixtures" / "hf_configs"


def run(argv, capsys):
    """(exit status, stdout, stderr) of ``python -m lessons <argv>``, in process."""
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def run_json(argv, capsys) -> dict:
    status, out, err = run([*argv, "--json"], capsys)
    assert status == 0, err
    return json.loads(out)


class TestCount:
    def test_config_file(self, capsys):
        data = run_json(["count", "--config", str(FIXTURES / "mixtral-8x7b.json")], capsys)
        assert (data["params"]["total"], data["params"]["active"]) == (
            46_702_792_704, 12_879_925_248)
        assert data["name"] == "mixtral-8x7b"

    def test_config_folder_and_text(self, capsys, tmp_path):
        (tmp_path / "config.json").write_text((FIXTURES / "qwen2.5-7b.json").read_text())
        status, out, _ = run(["count", "--config", str(tmp_path)], capsys)
        assert status == 0
        assert "7,615,616,512" in out and "non-embedding, Hugging Face" in out
        assert "active per token" not in out                      # dense: no active row

    def test_registry_shape(self, capsys):
        data = run_json(["count", "--arch", "deepseek-v3"], capsys)   # case-insensitive
        assert data["params"]["total"] == 671_026_419_200
        assert data["params"]["active_without_input_embedding"] == 36_625_618_432


class TestFlops:
    def test_architecture(self, capsys):
        arch = ARCHITECTURES["Llama 3 8B"]
        data = run_json(["flops", "--arch", "Llama 3 8B", "--n-tokens", "15e12"], capsys)
        per = data["flops_per_token"]
        assert per["PaLM"] == pytest.approx(flops.flops_per_token_palm(arch), rel=1e-12)
        assert per["Kaplan"] == pytest.approx(flops.flops_per_token_kaplan(arch), rel=1e-12)
        assert per["Chinchilla App. F"] == pytest.approx(
            flops.flops_per_token_chinchilla(arch), rel=1e-12)
        assert data["flops"]["6N"] == pytest.approx(6 * 8_030_261_248 * 15e12)   # 7.23e23

    def test_moe_flops_use_active_parameters(self, capsys):
        data = run_json(["flops", "--arch", "Mixtral 8x7B"], capsys)
        assert data["flops_per_token"]["6N"] == 6 * 12_879_925_248

    def test_count_with_shape(self, capsys):
        data = run_json(["flops", "--n-params", "540.35e9", "--n-layers", "118", "--n-heads",
                         "48", "--head-dim", "256", "--seq-len", "2048"], capsys)
        assert data["flops_per_token"]["PaLM"] == pytest.approx(3.278e12, rel=1e-4)

    def test_seq_len_overrides_the_context(self, capsys):
        short = run_json(["flops", "--arch", "Llama 3 8B", "--seq-len", "2048"], capsys)
        long = run_json(["flops", "--arch", "Llama 3 8B"], capsys)
        assert long["flops_per_token"]["PaLM"] - short["flops_per_token"]["PaLM"] == (
            pytest.approx(12 * 32 * 32 * 128 * (8192 - 2048)))


class TestMfu:
    PALM = ("--n-params", "540.35e9", "--n-layers", "118", "--n-heads", "48", "--head-dim",
            "256", "--seq-len", "2048", "--n-devices", "6144", "--gpu", "TPU-v4")

    def test_palm_table_3(self, capsys):
        """PaLM: 46.2 % MFU and, with three quarters of a forward pass recomputed, 57.8 % HFU."""
        data = run_json(["mfu", *self.PALM, "--tokens-per-second", "238.3e3",
                         "--recomputed-forward", "0.75"], capsys)
        assert round(data["mfu"], 3) == 0.462 and round(data["hfu"], 3) == 0.578

    def test_step_time_gives_the_same(self, capsys):
        batch = 2048 * 2048
        data = run_json(["mfu", *self.PALM, "--step-time", str(batch / 238.3e3),
                         "--tokens-per-step", str(batch)], capsys)
        assert round(data["mfu"], 3) == 0.462

    def test_days_at_a_given_mfu(self, capsys):
        arch = ARCHITECTURES["Llama 3.1 405B"]
        data = run_json(["mfu", "--arch", "Llama 3.1 405B", "--mfu", "0.4", "--n-tokens",
                         "15.6e12", "--n-devices", "16384"], capsys)
        expected = training_time(flops.flops_per_token_palm(arch) * 15.6e12, 16384, 989.4e12,
                                 0.4, unit="days")
        assert data["days"] == pytest.approx(expected, rel=1e-12)


class TestMemory:
    @pytest.mark.parametrize(("stage", "gb"), [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
    def test_zero_figure_1(self, capsys, stage, gb):
        data = run_json(["memory", "--n-params", "7.5e9", "--n-devices", "64", "--zero-stage",
                         str(stage)], capsys)
        assert round(data["per_device"] / 1e9, 1) == gb

    def test_fewest_devices(self, capsys):
        data = run_json(["memory", "--n-params", "70e9"], capsys)
        assert (data["n_devices"], data["fits"]) == (14, True)

    def test_architecture_counts_activations(self, capsys):
        arch = ARCHITECTURES["Llama 3 8B"]
        data = run_json(["memory", "--arch", "Llama 3 8B", "--tensor-parallel", "2"], capsys)
        assert data["activations"] == memory.activation_bytes(arch, tensor_parallel=2)
        status, out, _ = run(["memory", "--arch", "Llama 3 70B"], capsys)
        assert status == 0 and "does not fit" in out and "No number of H100-SXM" in out


class TestPlan:
    def test_budget_matches_the_package(self, capsys):
        data = run_json(["plan", "--budget-usd", "1e7", "--gpu", "H100-SXM"], capsys)
        p = budget.plan(1e7, gpu="H100-SXM")
        assert (data["n_params"], data["flops"], data["cost_usd"]) == (
            p.n_params, p.flops, p.cost_usd)
        assert data["memory"]["n_devices"] == p.memory.n_devices

    def test_devices_and_days_with_every_option(self, capsys):
        argv = ["plan", "--n-devices", "512", "--days", "20", "--gpu", "B200", "--dtype",
                "fp8", "--mfu", "0.35", "--price-per-hour", "3.5", "--strategy", "inference",
                "--inference-tokens", "1e13", "--fit", "hoffmann2022_tex", "--overhead", "1.2",
                "--batch-tokens", "4e6", "--precision", "bf16-adamw", "--zero-stage", "2"]
        data = run_json(argv, capsys)
        p = budget.plan(n_devices=512, days=20, gpu="B200", dtype="fp8", mfu=0.35,
                        price_per_hour=3.5, strategy="inference", inference_tokens=1e13,
                        fit="hoffmann2022_tex", overhead=1.2, batch_tokens=4e6,
                        precision="bf16-adamw", zero_stage=2)
        assert data["n_params"] == pytest.approx(p.n_params, rel=1e-12)
        assert data["cost_with_overhead_usd"] == pytest.approx(p.cost_with_overhead_usd)
        assert data["memory"]["precision"] == "bf16-adamw"

    def test_every_plan_parameter_has_its_flag(self):
        """--budget-usd sets budget_usd, and so on: no option of budget.plan is missing."""
        sub = cli.build_parser()._subparsers._group_actions[0].choices["plan"]
        flags = {a.dest for a in sub._actions}
        assert set(inspect.signature(budget.plan).parameters) <= flags
        assert set(inspect.signature(budget.cost_of_run).parameters) <= flags

    def test_a_given_model(self, capsys):
        data = run_json(["plan", "--n-params", "8.03e9", "--n-tokens", "15e12"], capsys)
        assert data["strategy"] == "given"
        assert data["device_hours"] == pytest.approx(5.07e5, rel=2e-3)   # FACTS §10

    def test_range(self, capsys):
        data = run_json(["plan", "--budget-usd", "1e7", "--strategy", "parametric", "--range",
                         "--n-resamples", "40"], capsys)
        n = data["range"]["quantities"]["N_opt"]
        assert n["low"] < data["n_params"] < n["high"]
        assert n["unit"] == "parameters"
        status, out, _ = run(["plan", "--budget-usd", "1e7", "--range", "--n-resamples", "20"],
                             capsys)
        assert status == 0 and "95% interval" in out


class TestErrors:
    @pytest.mark.parametrize(("argv", "says"), [
        (["plan", "--budget-usd", "1e7", "--mfu", "40"], "Write 40 % as 0.4"),
        (["plan", "--budget-usd", "1e7", "--n-devices", "8", "--days", "3"],
         "give either --budget-usd, or --n-devices"),
        (["plan", "--budget-usd", "1e7", "--gpu", "H900"], "unknown gpu 'H900'; accepted"),
        (["plan", "--n-params", "8e9"], "give both --n-params and --n-tokens"),
        (["plan", "--n-params", "8e9", "--n-tokens", "1e12", "--strategy", "kaplan"],
         "--strategy sizes a model"),
        (["count", "--config", "/no/such/config.json"], "no file at"),
        (["count", "--arch", "Llama 9"], "unknown arch 'Llama 9'"),
        (["count"], "give the model once"),
        (["count", "--arch", "Llama 3 8B", "--config", "x.json"], "--config and --arch"),
        (["flops", "--n-params", "70"], "--n-params=70.0 [parameters] is implausibly small"),
        (["flops", "--arch", "Llama 3 8B", "--n-heads", "8"], "--n-heads come from"),
        (["flops", "--n-params", "7e9", "--n-layers", "32"], "missing: --n-heads, --head-dim, --seq-len"),
        (["mfu", "--arch", "Llama 3 8B", "--n-devices", "8"], "give --tokens-per-second"),
        (["mfu", "--arch", "Llama 3 8B", "--n-devices", "8", "--mfu", "0.4"],
         "needs --n-tokens"),
        (["mfu", "--arch", "Llama 3 8B", "--n-devices", "8", "--tokens-per-second", "1e9"],
         "above 1: no device runs above its peak"),
        (["mfu", "--arch", "Llama 3 8B", "--n-devices", "8", "--tokens-per-second", "1e5",
          "--gpu", "A100", "--peak-flops-per-device", "312e12"], "give the peak once"),
        (["memory", "--n-params", "7e9", "--n-devices", "10", "--tensor-parallel", "4"],
         "not a multiple of --tensor-parallel"),
        (["memory", "--arch", "Llama 3 8B", "--gpu", "V100"], "no memory figure"),
    ])
    def test_message_and_status_2(self, capsys, argv, says):
        status, out, err = run(argv, capsys)
        assert status == 2 and out == ""
        assert err.startswith("error: ") and says in err, err
        assert "Traceback" not in err

    def test_argparse_errors_exit_2_too(self, capsys):
        with pytest.raises(SystemExit) as stop:
            cli.main(["plan", "--budget-usd", "ten"])
        assert stop.value.code == 2
        assert "invalid float value: 'ten'" in capsys.readouterr().err

    def test_missing_data_for_a_range_says_where_to_put_it(self, capsys, monkeypatch, tmp_path):
        monkeypatch.setenv("LESSONS_DATA_DIR", str(tmp_path))          # an empty folder
        status, _, err = run(["plan", "--budget-usd", "1e7", "--range"], capsys)
        assert status in (1, 2) and err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize("what", ["gpus", "archs", "fits", "precisions", "strategies"])
def test_list(capsys, what):
    status, out, _ = run(["list", what], capsys)
    assert status == 0 and out.strip()


def test_python_dash_m(tmp_path):
    """The module runs as a program, and its JSON is valid for json.tool."""
    done = subprocess.run([sys.executable, "-m", "lessons", "count", "--arch", "Llama 3 70B",
                           "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    tool = subprocess.run([sys.executable, "-m", "json.tool"], input=done.stdout,
                          capture_output=True, text=True, timeout=60)
    assert tool.returncode == 0 and '"total": 70553706496' in tool.stdout
    bad = subprocess.run([sys.executable, "-m", "lessons", "plan", "--budget-usd", "-1"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_describe_names_the_family_features():
    arch = Architecture.from_hf_config(FIXTURES / "gemma-7b.json")
    text = cli.describe(arch)
    assert "geglu 24,576" in text and "16 heads of 256" in text and "tied" in text
    assert param_counts(arch).total == 8_537_680_896
