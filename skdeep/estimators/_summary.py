"""Keras-style model summary table, with what the first layer reads."""

from ._tables import TablePlan, has_table

__all__ = ["describe_inputs", "summary_table"]


def summary_table(network, name, inputs=()):
    """The table ``summary()`` prints: the ``inputs`` lines (what the first
    layer reads, for a raw table), one row per Dense layer, then totals."""
    rows = [("Layer (type)", "Output Shape", "Activation", "Param #")]
    sizes = network.layer_sizes
    activations = (*network.activations, network.output_activation)
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        rows.append((f"dense_{i + 1} (Dense)", f"(None, {fan_out})", activations[i],
                     f"{fan_in * fan_out + fan_out:,}"))
    widths = [max(len(row[c]) for row in rows) + 3 for c in range(4)]
    line = "=" * sum(widths)

    def fmt(row):
        return "".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()

    total = network.n_params
    return "\n".join([
        f'Model: "{name}"', *inputs, line, fmt(rows[0]), line,
        *[fmt(row) for row in rows[1:]], line,
        f"Total params: {total:,}", f"Trainable params: {total:,}",
        "Non-trainable params: 0", line,
    ])


def describe_inputs(estimator):
    """Lines saying what the first layer reads: numeric columns, missing
    indicators and embeddings (one per categorical column, with its rows)."""
    if not has_table(estimator):
        return []
    plan = TablePlan.of(estimator)
    names = getattr(estimator, "feature_names_in_", None)

    def label(j):
        return str(names[j]) if names is not None else f"x{j}"

    embeddings = ", ".join(
        f"{label(j)} ({len(categories)} categories + other + missing)"
        for j, categories in zip(plan.categorical, plan.categories))
    return [f"Inputs: {len(plan.numeric)} numeric, {len(plan.indicators)} missing "
            f"indicator(s), {len(plan.categories)} embedding(s)"
            + (f": {embeddings}" if embeddings else "")]
