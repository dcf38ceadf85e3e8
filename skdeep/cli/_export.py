"""``skdeep export``: a saved model (or pipeline) to an ONNX file for onnxruntime."""

from ..files import OutputPathError
from ._io import CLIError, check_outputs, load_model

__all__ = ["run_export"]


def run_export(args):
    """The ``skdeep export`` command; returns the exit status."""
    check_outputs([args.onnx], overwrite=args.overwrite, inputs=[args.model])
    model = load_model(args.model)
    from ..export import to_onnx

    try:
        onnx_model = to_onnx(model, path=args.onnx)
    except (ImportError, OutputPathError) as error:
        raise CLIError(str(error)) from None
    except ValueError as error:
        first_line = str(error).strip().splitlines()[0]
        raise CLIError(f"{args.model}: cannot export: {first_line}") from None
    graph = onnx_model.graph
    print(f"wrote {args.onnx}: inputs {_names(graph.input)}; outputs "
          f"{_names(graph.output)}")
    return 0


def _names(values):
    return ", ".join(value.name for value in values)
