"""Unit tests of the grading core: the wire format, typed expectations and notebook checks.

Each test names the wrong answer it rejects: an object whose ``__eq__`` always returns True,
a ``float`` subclass, ``True`` for a number, a value off by the 6 of 6ND, a percentage.
"""

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.grading import Array, Call, CheckFailed, Checks, Choice, Number, Suite, Test, Value
from lessons.grading._wire import Failed, Missing, Opaque, Unanswered, decode, encode, probe
from lessons.grading.checks import PUBLIC_CHECKS, public_checks, same_data


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __float__(self):
        return 8.4e23


class SneakyFloat(float):
    def __eq__(self, other):
        return True


class TestWire:
    @pytest.mark.parametrize("value", [1.5, 3, True, None, "b", -0.0, 1e300, [1.0, "x"], (2, 3),
                                       {"a": 1.0}])
    def test_round_trip(self, value):
        assert decode(encode(value)) == value

    def test_non_finite_floats_survive_json(self):
        assert math.isnan(decode(encode(float("nan"))))
        assert decode(encode(float("-inf"))) == -math.inf

    def test_numpy_values(self):
        assert type(decode(encode(np.float64(2.0)))) is float
        assert decode(encode(np.asarray(2.5))) == 2.5       # a 0-d array counts as a number
        arr = decode(encode(np.arange(6.0).reshape(2, 3)))
        assert type(arr) is np.ndarray and arr.shape == (2, 3)

    @pytest.mark.parametrize("cheat", [AlwaysEqual(), SneakyFloat(8.4e23), np.array([object()])])
    def test_cheating_objects_become_opaque(self, cheat):
        """An object that compares equal to everything is never sent as a value."""
        assert isinstance(decode(encode(cheat)), Opaque)

    def test_malformed_data_is_opaque(self):
        assert isinstance(decode({"type": "int", "value": "7"}), Opaque)
        assert isinstance(decode("nonsense"), Opaque)

    def test_probe_markers(self):
        def stub(n):
            raise NotImplementedError

        def boom(n):
            raise SystemExit(3)

        ns = {"x": ..., "stub": stub, "boom": boom, "f": lambda n: 2 * n}
        assert isinstance(decode(probe(ns, {"name": "x"})), Unanswered)
        assert isinstance(decode(probe(ns, {"name": "y"})), Missing)
        call = {"call": True, "args": [encode(3.0)]}
        assert isinstance(decode(probe(ns, {**call, "name": "stub"})), Unanswered)
        assert isinstance(decode(probe(ns, {**call, "name": "boom"})), Failed)
        call = {**call, "name": "f"}
        assert decode(probe(ns, call)) == 6.0


EXPECTED = 8.4e23
NUMBER = Number(EXPECTED, mistakes={1 / 6: "6ND has a 6.", 1e-9: "raw counts, not billions."})
Q = Value("q1_flops")


class TestNumber:
    def test_accepts_int_float_and_numpy(self):
        for good in (EXPECTED, int(EXPECTED), np.float64(EXPECTED)):
            assert NUMBER.judge(decode(encode(good)), Q).passed

    @pytest.mark.parametrize("bad", [True, "8.4e23", [EXPECTED], None, AlwaysEqual(),
                                     SneakyFloat(EXPECTED)])
    def test_rejects_non_numbers(self, bad):
        """Typed: a string, a bool or an always-equal object is not a number."""
        verdict = NUMBER.judge(decode(encode(bad)), Q)
        assert not verdict.passed and "should be a number" in verdict.message

    def test_known_mistakes_get_their_hint(self):
        assert "has a 6" in NUMBER.judge(EXPECTED / 6, Q).message
        assert "billions" in NUMBER.judge(EXPECTED * 1e-9, Q).message

    def test_power_of_ten_hint(self):
        assert "factor 10^+3" in NUMBER.judge(EXPECTED * 1000, Q).message

    @pytest.mark.parametrize("got", [70, 72.3, 7.2e5, 1.0, -70])
    def test_a_count_in_billions_gets_the_raw_counts_hint(self, got):
        """7.23e10 parameters answered as 72.3 ("billions") or 7.2e5 is a unit mistake."""
        message = Number(7.23e10).judge(got, Value("q1_n_params")).message
        assert "raw counts" in message and "70e9" in message

    @pytest.mark.parametrize(("expected", "got"), [(7.23e10, 3e10), (0.4, 0.004), (5e5, 5.0),
                                                   (2e6, 1.5e6)])
    def test_no_raw_counts_hint_where_it_does_not_apply(self, expected, got):
        """Not for a factor of 2 or 3, nor for a small expected value (MFU, a loss)."""
        assert "70e9" not in Number(expected).judge(got, Q).message

    def test_arrays_of_counts_get_the_hint_too(self):
        message = Array([1e19, 2e19]).judge(np.array([10.0, 20.0]), Q).message
        assert "raw counts" in message

    @given(st.floats(min_value=-1e30, max_value=1e30, allow_nan=False))
    def test_message_never_contains_the_answer(self, got):
        verdict = NUMBER.judge(got, Q)
        for text in (f"{EXPECTED:g}", f"{EXPECTED:.3g}", f"{EXPECTED:e}", repr(EXPECTED)):
            assert text not in verdict.message

    @given(st.floats(min_value=-0.5, max_value=0.5))
    def test_tolerance(self, rel):
        got = EXPECTED * (1 + rel)
        assert NUMBER.judge(got, Q).passed == (abs(rel) <= 0.01 * (1 + 1e-9) or
                                               abs(got - EXPECTED) <= 0.01 * EXPECTED)

    def test_not_finite(self):
        assert not NUMBER.judge(float("nan"), Q).passed
        assert not NUMBER.judge(float("inf"), Q).passed

    def test_unanswered_is_not_a_failure_of_the_student(self):
        verdict = NUMBER.judge(Unanswered(), Q)
        assert not verdict.passed and not verdict.answered
        assert "not answered yet" in verdict.message


class TestArrayAndChoice:
    def test_array_type_and_shape(self):
        want = Array(np.arange(1.0, 7.0).reshape(3, 2))
        probe_ = Call("f", (np.ones(3),))
        assert want.judge(np.arange(1.0, 7.0).reshape(3, 2), probe_).passed
        assert "shape" in want.judge(np.arange(1.0, 7.0), probe_).message
        assert "numpy array" in want.judge([1.0, 2.0], probe_).message  # a Python list

    def test_choice(self):
        c = Choice("b", "abcd", why={"a": "not FP32."})
        assert c.judge(" B ", Value("q8")).passed
        assert c.judge("a", Value("q8")).message.endswith("not FP32.")
        assert not c.judge(True, Value("q8")).passed   # a bool is not a letter
        assert "one of" in c.judge("e", Value("q8")).message


def _checks():
    check = Checks("demo")
    check.add("q1", "Six N D", Test(Q, NUMBER))
    check.add("q2", "Function", Test(Call("six_nd", (np.array([1e9, 2e9]), np.array([3e9, 4e9]))),
                                     Array([1.8e19, 4.8e19])))
    return check


class TestChecks:
    def test_data_round_trip(self):
        data = _checks().to_data()
        again = Checks.from_data(json.loads(json.dumps(data)))
        assert again.to_data() == data and list(again.questions) == ["q1", "q2"]

    def test_data_keep_twelve_significant_digits(self):
        """Stored numbers do not depend on the last bits a numpy or scipy release computes."""
        check = Checks("demo")
        check.add("q1", "x", Test(Value("x"), Number(np.float64(1 / 3),
                                                    mistakes={np.float64(2 / 3): "twice"})))
        a = check.to_data()
        check2 = Checks("demo")
        check2.add("q1", "x", Test(Value("x"), Number(1 / 3 * (1 + 4e-16),
                                                     mistakes={2 / 3: "twice"})))
        assert a == check2.to_data()
        expect = a["questions"][0]["tests"][0]["expect"]
        assert expect["expected"] == 0.333333333333 and type(expect["mistakes"][0][0]) is float

    def test_same_data_tolerates_last_digits_only(self):
        a = _checks().to_data()
        b = json.loads(json.dumps(a).replace("1.8e+19", "1.8000000000001e+19"))
        assert same_data(a, b)
        c = json.loads(json.dumps(a).replace("1.8e+19", "1.81e+19"))
        assert not same_data(a, c)
        d = json.loads(json.dumps(a).replace("Six N D", "Six N  D"))
        assert not same_data(a, d)

    def test_public_checks_of_every_chapter_load(self):
        for path in sorted(PUBLIC_CHECKS.glob("*.json")):
            check = public_checks(path.stem)
            assert check.chapter == path.stem and len(check.questions) >= 5

    def test_an_unknown_chapter_says_which_exist(self):
        with pytest.raises(ValueError, match="flops") as err:
            public_checks("../solutions/flops")
        assert "no public checks" in str(err.value)

    def test_messages(self, capsys, monkeypatch):
        monkeypatch.delenv("LESSONS_CHECKS", raising=False)
        check = _checks()
        check("q1", {"q1_flops": ...})
        check("q1", {"q1_flops": EXPECTED / 6})
        check("q2", {"six_nd": lambda n, d: 1 / 0})   # a crashing function does not crash check
        check("q9", {})
        out = capsys.readouterr().out
        assert "not answered yet" in out and "has a 6" in out and "ZeroDivisionError" in out
        assert "no question 'q9'" in out

    def test_strict_mode_raises_only_on_wrong_answers(self, monkeypatch, capsys):
        monkeypatch.setenv("LESSONS_CHECKS", "strict")
        check = _checks()
        check("q1", {"q1_flops": ...})          # unanswered: exercises still run in strict mode
        check("q1", {"q1_flops": EXPECTED})
        with pytest.raises(CheckFailed):
            check("q1", {"q1_flops": EXPECTED / 6})

    def test_check_reads_the_callers_globals(self, capsys):
        check = _checks()
        globals()["q1_flops"] = EXPECTED
        try:
            check("q1")
        finally:
            del globals()["q1_flops"]
        assert "all checks pass" in capsys.readouterr().out


def test_suite_scores_points():
    s = Suite("demo")
    s.add("q1", "a", Test(Q, NUMBER, points=2), Test(Value("y"), Number(1.0)))
    verdicts = s.judge({"q1_flops": EXPECTED, "y": 2.0})
    assert s.score(verdicts) == {"q1": 2.0}
    assert s.score(s.judge({})) == {"q1": 0.0}
    with pytest.raises(ValueError):
        s.add("q1", "again", Test(Q, NUMBER))


def test_expected_numpy_scalars_are_accepted_but_student_numpy_scalars_are_not():
    """An author's np.float64 expected value is fine; a student's answer must be int or float."""
    import numpy as np

    from lessons.grading import Number, Value

    expect = Number(np.float64(2.5))
    assert expect.expected == 2.5 and type(expect.expected) is float
    assert expect.judge(2.5, Value("x")).passed
    assert not expect.judge(np.float64(2.5), Value("x")).passed


def test_call_keyword_arguments_survive_the_round_trip():
    """Test.data()/from_data() keep a Call's keyword arguments (they travel to exercises)."""
    from lessons.grading import Call, Number, Test

    test = Test(Call("f", (1e21,), (("at_critical_batch", True),)), Number(1.0))
    again = Test.from_data(test.data())
    assert again.probe.kwargs == (("at_critical_batch", True),)
    assert again.probe.key == test.probe.key


class TestStudyScore:
    """The oracle question's expectation: a prediction scored against the hidden law."""

    @staticmethod
    def _truth(seed):
        from lessons import chinchilla
        from lessons.oracle import Oracle

        law = Oracle(seed=seed)._Oracle__truth
        c = Oracle(seed=seed).target_flops
        n, d = chinchilla.compute_optimal(c, law)
        return n, float(chinchilla.loss(n, d, law, check_units=False))

    def test_passes_the_truth_and_fails_a_miss(self):
        from lessons.grading import Call, StudyScore, Test

        n, ell = self._truth(3)
        size = Test(Call("run_study", (3,)), StudyScore(3, "size", 1.5))
        loss = Test(Call("run_study", (3,)), StudyScore(3, "loss", 0.05))
        assert size.judge(np.array([n, ell])).passed and loss.judge(np.array([n, ell])).passed
        assert not size.judge(np.array([2 * n, ell])).passed            # 2× off
        assert not loss.judge(np.array([n, ell + 0.1])).passed
        assert "2.00x off" in size.judge(np.array([2 * n, ell])).message

    def test_another_seed_is_another_law(self):
        from lessons.grading import StudyScore, Test, Value

        n, ell = self._truth(3)
        assert not Test(Value("p"), StudyScore(4, "loss", 0.01)).judge(np.array([n, ell])).passed \
            or not Test(Value("p"), StudyScore(4, "size", 1.05)).judge(np.array([n, ell])).passed

    @pytest.mark.parametrize("got", [(1e9, 2.5), [1e9, 2.5], np.array([1e9]), "1e9, 2.5"])
    def test_only_a_two_entry_array(self, got):
        from lessons.grading import StudyScore, Test, Value

        verdict = Test(Value("p"), StudyScore(3, "size", 1.5)).judge(got)
        assert not verdict.passed and "numpy.array([n_params, loss])" in verdict.message

    def test_implausible_units_are_named(self):
        from lessons.grading import StudyScore, Test, Value

        verdict = Test(Value("p"), StudyScore(3, "size", 1.5)).judge(np.array([1.2, 2.5]))
        assert not verdict.passed and "billions" in verdict.message

    def test_round_trips_through_data(self):
        from lessons.grading import Call, StudyScore, Test

        t = Test(Call("run_study", (3,)), StudyScore(3, "loss", 0.05, budget=10**18), points=0.5)
        assert Test.from_data(t.data()) == t
