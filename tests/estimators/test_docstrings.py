"""The class docstrings describe every parameter and name the real output."""

import inspect
import re

import numpy as np
import pytest

from skdeep import DeepClassifier, DeepRegressor

ESTIMATORS = [DeepClassifier, DeepRegressor]


def _section(doc, title):
    """The body of a numpydoc section: from its underline to the next header."""
    match = re.search(rf"^{title}\n-+\n(.*?)(?=^\w[\w ]*\n-+\n|\Z)", doc,
                      flags=re.S | re.M)
    assert match, f"no {title} section"
    return match.group(1)


def documented_parameters(cls):
    """{name: description} of the Parameters section; 'a, b : type' entries
    describe both names."""
    described, names = {}, []
    for line in _section(inspect.getdoc(cls), "Parameters").splitlines():
        if line and not line[0].isspace():
            names = [name.strip() for name in line.split(" : ")[0].split(",")]
            described.update(dict.fromkeys(names, ""))
        elif line.strip():
            for name in names:
                described[name] += line.strip() + " "
    return described


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_parameter_is_described(cls):
    described = documented_parameters(cls)
    params = cls().get_params()
    missing = sorted(name for name in params if not described.get(name, "").strip())
    assert not missing, f"{cls.__name__}'s docstring does not describe {missing}"
    # and nothing is documented that the estimator does not take
    assert sorted(set(described) - set(params)) == []


def test_parser_reads_the_sections_it_is_given():
    class Sample:
        """Title.

        Parameters
        ----------
        a, b : int
            Shared text.
        c : float

        Attributes
        ----------
        d : int
            Not a parameter.
        """

    assert documented_parameters(Sample) == {"a": "Shared text. ",
                                             "b": "Shared text. ", "c": ""}


def test_classifier_docstring_names_the_output_activations_it_reports():
    X = np.random.default_rng(0).normal(size=(40, 3))
    single = DeepClassifier(max_iter=2, random_state=0).fit(X, np.arange(40) % 3)
    labels = np.c_[np.arange(40) % 2, np.arange(40) % 3 == 0].astype(int)
    multi = DeepClassifier(max_iter=2, random_state=0).fit(X, labels)
    summary_line = inspect.getdoc(DeepClassifier).splitlines()[0]
    for model in (single, multi):
        assert model.out_activation_ in summary_line
    assert "sigmoid" not in summary_line
