"""The files callbacks write, compared with each other and with a fit's inputs.

A path may be a template (``"model-{epoch:03d}.skdeep"``): it then stands for
every file it can format to, and is matched against fixed paths as a pattern.
"""

import os
import re
import string

from ..files import OutputPathError

__all__ = ["Output", "check_outputs", "template_fields"]


class Output:
    """A file a callback writes: ``owner`` names the callback in messages;
    ``template``: ``path`` is a format string (``{{`` is a literal brace)."""

    def __init__(self, owner, path, *, template=False):
        self.owner, self.shown = owner, os.fspath(path)
        fields = template_fields(self.shown) if template else []
        if template and not fields:  # only escaped braces: one fixed file
            self.shown = self.shown.format()
        self.real = os.path.realpath(self.shown)
        self.pattern = None if not fields else re.compile("".join(
            re.escape(literal) + ("" if field is None else ".*")
            for literal, field, _, _ in string.Formatter().parse(self.real)))

    def meets(self, other):
        """Whether this output and ``other`` (an Output, or a path read) can be
        one file."""
        if not isinstance(other, Output):
            return self._is(os.fspath(other))
        if other.pattern is None:
            return self._is(other.shown)
        if self.pattern is None:
            return other._is(self.shown)
        return self.real == other.real  # two templates: the same text

    def _is(self, path):
        real = os.path.realpath(path)
        if self.pattern is not None:
            return self.pattern.fullmatch(real) is not None
        if real == self.real:
            return True
        try:  # hard links, or two names of one mount
            return os.path.samefile(path, self.shown)
        except OSError:
            return False


def template_fields(path):
    """The format fields of ``path`` as (field, conversion, spec), [] for none.

    Raises ValueError naming the template when its braces do not pair up.
    """
    try:
        parsed = list(string.Formatter().parse(os.fspath(path)))
    except ValueError as error:
        raise ValueError(f"the path template {os.fspath(path)!r} is not a valid "
                         f"format string ({error}); write a literal brace as "
                         "'{{' or '}}'.") from None
    return [(field, conversion, spec) for _, field, spec, conversion in parsed
            if field is not None]


def check_outputs(outputs, inputs):
    """Refuse two outputs that can be one file, or an output that is an input."""
    for i, output in enumerate(outputs):
        for source in inputs:
            if output.meets(source):
                raise OutputPathError(
                    f"{output.owner}: {output.shown} is also a file this fit "
                    f"reads ({os.fspath(source)}); writing it would destroy the "
                    "training data. Write to another file.")
        for earlier in outputs[:i]:
            if output.meets(earlier):
                raise OutputPathError(
                    f"{earlier.owner} and {output.owner} both write "
                    f"{output.shown if output.pattern is None else earlier.shown}"
                    "; each would overwrite the other. Give each callback its "
                    "own file.")
