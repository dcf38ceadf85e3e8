"""``skdeep export``: a saved model (or pipeline) to an ONNX file for onnxruntime."""

from ..files import OutputPathError, check_writable
from ._io import CLIError, load_model

__all__ = ["add_export_command", "run_export"]


def add_export_command(commands):
    """Add the ``export`` subcommand to the parser's subcommands."""
    export = commands.add_parser(
        "export", help="convert a saved model to ONNX for onnxruntime",
        description="Convert a model saved by 'skdeep train' or skdeep.save (a "
        "DeepClassifier, a DeepRegressor, or a pipeline ending in one) to an "
        "ONNX file that onnxruntime serves from Python, C++, C#, Java or "
        "JavaScript. Needs: pip install 'skdeep[onnx]'.")
    export.add_argument("model", metavar="MODEL", help="model file from train")
    export.add_argument("--onnx", required=True, metavar="FILE.onnx",
                        help="the ONNX file to write")
    export.set_defaults(run=run_export)


def run_export(args):
    """The ``skdeep export`` command; returns the exit status."""
    from ..export import to_onnx

    model = load_model(args.model)
    try:
        check_writable(args.onnx, inputs=[args.model])
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
