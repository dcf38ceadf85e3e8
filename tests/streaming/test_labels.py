"""The class labels of a stream get one type for the whole file, decided from
every label in it (or from ``classes``) and kept in every chunk."""

import numpy as np
import pytest

from skdeep.streaming import convert_labels, fit_csv, label_kind

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_labels_get_one_type_for_the_whole_file(kit, tmp_path):
    """Text labels first, integer-looking ones only in a later chunk."""
    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n" + kit.lines(300, lambda i: "xy"[i % 2] if i < 200
                                         else str(i % 2 + 1)))
    model = fit_csv(kit.classifier(), path, target="y", chunksize=100)
    assert list(model.classes_) == ["1", "2", "x", "y"]


def test_integer_labels_stay_integers(kit, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n" + kit.lines(300, lambda i: i % 3 * 10))
    model = fit_csv(kit.classifier(), path, target="y", chunksize=100)
    np.testing.assert_array_equal(model.classes_, [0, 10, 20])
    assert model.classes_.dtype.kind == "i"


def test_whole_number_labels_sort_as_numbers(kit, tmp_path):
    """'10' comes before '2' as text; read as numbers the classes are 2, 10."""
    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n" + kit.lines(300, lambda i: (2, 10)[i % 2]))
    model = fit_csv(kit.classifier(), path, target="y", chunksize=100)
    np.testing.assert_array_equal(model.classes_, [2, 10])


@pytest.mark.parametrize("labels, kind", [
    (["1", " 2 ", "-3"], "int"), (["1", "2.5"], "float"), (["1e3"], "float"),
    (["True", "false", " TRUE "], "bool"), (["1", "x"], "str"),
    (["yes", "no"], "str"), (np.array([3, 1]), "int"), (np.array([0.5]), "float"),
    (np.array([True, False]), "bool"), (np.array(["a"], dtype=object), "str")])
def test_label_kind_is_the_one_type_every_label_has(labels, kind):
    assert label_kind(labels) == kind


@pytest.mark.parametrize("labels, kind, expected", [
    (["1", " 2 "], "int", np.array([1, 2], dtype=np.int64)),
    (["1", "2.5"], "float", np.array([1.0, 2.5])),
    (["True", " false", "TRUE"], "bool", np.array([True, False, True])),
    (["b", "a"], "str", np.array(["b", "a"], dtype=object))])
def test_convert_labels_to_their_kind(labels, kind, expected):
    converted = convert_labels(labels, kind)
    assert converted.dtype == expected.dtype
    np.testing.assert_array_equal(converted, expected)


def test_convert_labels_refuses_a_label_of_another_kind():
    with pytest.raises(ValueError):
        convert_labels(["1", "x"], "int")
