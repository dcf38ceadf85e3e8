"""Values <-> JSON nodes: numbers, strings, containers and array references.

Every node is plain JSON. Python ``None``, ``bool``, ``str``, ``int`` and finite
``float`` stand for themselves and lists for lists; everything else is a dict
with a ``"type"`` key from the fixed set below. Numeric arrays become references
to ``.npy`` members; object arrays (strings, ``None``, NaN) become JSON lists.
Decoding builds only these data types: no name read from a file is ever
imported, looked up as an attribute or called.
"""

import math

import numpy as np

from ..exceptions import ModelFileError
from ._format import check_dtype

__all__ = ["Encoder", "Decoder", "expect"]

MAX_DEPTH = 64
_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
# numpy scalar types a parameter may hold as a type (OneHotEncoder's dtype=...)
SCALAR_TYPES = {np.dtype(name).type: name for name in (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "uint64", "float16", "float32", "float64")}
SCALAR_TYPES_BY_NAME = {name: kind for kind, name in SCALAR_TYPES.items()}


def expect(condition, where, message):
    """Raise ModelFileError naming the manifest location unless ``condition``
    (``_format.expect_file`` speaks of the file as a whole)."""
    if not condition:
        raise ModelFileError(f"model file: {where}: {message}")


class Encoder:
    """Encode values into JSON nodes, collecting arrays to write as ``.npy``.

    ``estimator_hook(estimator, encoder, where)`` encodes objects that are not
    plain data (the allow-listed estimators) or raises TypeError.
    """

    def __init__(self, estimator_hook):
        self.arrays = {}
        self.estimator_hook = estimator_hook

    def array(self, value):
        """A reference node to ``value`` stored as its own ``.npy`` member."""
        name = f"arrays/{len(self.arrays)}.npy"
        self.arrays[name] = value
        return {"type": "array", "name": name}

    def encode(self, value, where="object"):
        if value is None or isinstance(value, (bool, str)):
            return str(value) if isinstance(value, np.str_) else value
        if isinstance(value, np.generic):
            return self._scalar(value, where)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return _float(value)
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {"type": "tuple", "items": self.encode(list(value), where)}
        if isinstance(value, dict):
            return {"type": "dict", "items": [
                [self.encode(k, where), self.encode(v, f"{where}[{k!r}]")]
                for k, v in value.items()]}
        if isinstance(value, np.ndarray):
            return self._ndarray(value, where)
        return self._other(value, where)

    def encode_fields(self, mapping, where):
        """A JSON object of named values (parameters, attributes).

        Encoded in sorted name order, so array numbering, and with it the file's
        bytes, do not depend on the order attributes happened to be set in.
        """
        return {name: self.encode(mapping[name], f"{where}.{name}")
                for name in sorted(mapping)}

    def _other(self, value, where):
        if isinstance(value, slice):
            return {"type": "slice", "items": [
                self.encode(v, where) for v in (value.start, value.stop, value.step)]}
        if isinstance(value, np.dtype):
            return {"type": "dtype", "name": check_dtype(value, where, True).str}
        if isinstance(value, type) and value in SCALAR_TYPES:
            return {"type": "scalar_type", "name": SCALAR_TYPES[value]}
        if isinstance(value, np.random.RandomState):
            name, keys, pos, has_gauss, gauss = value.get_state()
            return {"type": "random_state", "keys": self.array(keys), "pos": int(pos),
                    "has_gauss": int(has_gauss), "gauss": float(gauss)}
        return self.estimator_hook(value, self, where)

    def _scalar(self, value, where):
        if isinstance(value, np.str_):
            return str(value)
        dtype = check_dtype(value.dtype, where, False)
        if dtype.kind not in "biuf":
            raise TypeError(f"{where}: a numpy {dtype} scalar cannot be saved.")
        item = value.item()
        return {"type": "scalar", "dtype": dtype.str,
                "value": _float(item) if isinstance(item, float) else item}

    def _ndarray(self, value, where):
        if value.dtype == object:
            items = [self._element(v, where) for v in value.ravel().tolist()]
            return {"type": "object_array", "shape": list(value.shape), "items": items}
        check_dtype(value.dtype, where, False)
        return self.array(value)

    def _element(self, value, where):
        if value is None or isinstance(value, (bool, str, int, float, np.generic)):
            return self.encode(value, where)
        raise TypeError(f"{where}: an object array holds a {type(value).__name__}; "
                        "only strings, numbers and None can be saved.")


class Decoder:
    """Decode JSON nodes back into values; ``arrays`` maps names to ndarrays.

    ``estimator_hook(node, decoder, where)`` builds allow-listed estimators.
    """

    def __init__(self, arrays, estimator_hook):
        self.arrays = arrays
        self.estimator_hook = estimator_hook
        self.depth = 0

    def decode(self, node, where="object"):
        if isinstance(node, int) and not isinstance(node, bool):
            # int64 and uint64 hold every integer a model has; a larger one
            # would overflow where it is used (a step count, a seed)
            expect(-2**63 <= node < 2**64, where,
                   f"the integer {str(node)[:30]}... is out of range.")
        if node is None or isinstance(node, (bool, str, int, float)):
            return node
        self.depth += 1
        try:
            expect(self.depth <= MAX_DEPTH, where, "values are nested too deeply.")
            if isinstance(node, list):
                return [self.decode(v, f"{where}[{i}]") for i, v in enumerate(node)]
            expect(isinstance(node, dict) and isinstance(node.get("type"), str),
                   where, "expected a value or a node with a 'type'.")
            kind = node["type"]
            method = _DECODERS.get(kind)
            if method is None:
                return self.estimator_hook(node, self, where)
            return method(self, node, where)
        finally:
            self.depth -= 1

    def decode_fields(self, node, where):
        """The named values of a JSON object written by ``encode_fields``."""
        expect(isinstance(node, dict), where, "expected an object of named values.")
        return {name: self.decode(v, f"{where}.{name}") for name, v in node.items()}

    def array(self, node, where):
        name = field(node, "name", str, where)
        expect(name in self.arrays, where, f"array {name!r} is missing.")
        return self.arrays[name]

    def _tuple(self, node, where):
        return tuple(self.decode(field(node, "items", list, where), where))

    def _dict(self, node, where):
        items = field(node, "items", list, where)
        result = {}
        for item in items:
            expect(isinstance(item, list) and len(item) == 2, where,
                   "dict items must be [key, value] pairs.")
            key = self.decode(item[0], where)
            expect(isinstance(key, (str, int, float, bool, np.generic)), where,
                   f"dict key {key!r} is not a string or a number.")
            expect(key not in result, where, f"duplicate dict key {key!r}.")
            result[key] = self.decode(item[1], f"{where}[{key!r}]")
        return result

    def _float(self, node, where):
        value = field(node, "value", str, where)
        expect(value in _SPECIAL_FLOATS, where, f"unknown float {value!r}.")
        return _SPECIAL_FLOATS[value]

    def _scalar(self, node, where):
        dtype = check_dtype(field(node, "dtype", str, where), where, False)
        expect(dtype.kind in "biuf", where, f"a {dtype} scalar is not allowed.")
        value = self.decode(node.get("value"), where)
        expect(isinstance(value, (bool, int, float)), where,
               f"scalar value {value!r} is not a number.")
        try:
            return dtype.type(value)
        except (OverflowError, ValueError, TypeError) as error:
            raise ModelFileError(f"model file: {where}: {error}") from None

    def _object_array(self, node, where):
        shape = shape_of(node.get("shape"), where)
        items = [self.decode(v, where) for v in field(node, "items", list, where)]
        expect(all(v is None or isinstance(v, (str, bool, int, float, np.generic))
                   for v in items), where, "object arrays hold strings or numbers.")
        expect(math.prod(shape) == len(items), where,
               f"shape {shape} does not match {len(items)} items.")
        result = np.empty(len(items), dtype=object)
        result[:] = items
        return result.reshape(shape)

    def _slice(self, node, where):
        parts = self.decode(field(node, "items", list, where), where)
        expect(len(parts) == 3 and all(p is None or type(p) is int for p in parts),
               where, "a slice needs three integers or nulls.")
        return slice(*parts)

    def _numpy_dtype(self, node, where):
        return check_dtype(field(node, "name", str, where), where, True)

    def _scalar_type(self, node, where):
        name = field(node, "name", str, where)
        expect(name in SCALAR_TYPES_BY_NAME, where, f"unknown scalar type {name!r}.")
        return SCALAR_TYPES_BY_NAME[name]

    def _random_state(self, node, where):
        keys = self.array(field(node, "keys", dict, where), where)
        pos, has_gauss = field(node, "pos", int, where), field(node, "has_gauss", int,
                                                               where)
        gauss = float(field(node, "gauss", (int, float), where))
        expect(keys.shape == (624,) and keys.dtype == np.uint32, where,
               "a RandomState needs 624 uint32 keys.")
        random_state = np.random.RandomState()
        try:
            random_state.set_state(("MT19937", keys, pos, has_gauss, gauss))
        except (ValueError, TypeError, OverflowError) as error:
            raise ModelFileError(f"model file: {where}: {error}") from None
        return random_state


_DECODERS = {
    "array": Decoder.array, "tuple": Decoder._tuple, "dict": Decoder._dict,
    "float": Decoder._float, "scalar": Decoder._scalar,
    "object_array": Decoder._object_array, "slice": Decoder._slice,
    "dtype": Decoder._numpy_dtype, "scalar_type": Decoder._scalar_type,
    "random_state": Decoder._random_state,
}


def field(node, key, kinds, where):
    """``node[key]`` checked to be an instance of ``kinds`` (bool is not int)."""
    expect(isinstance(node, dict) and key in node, where, f"{key!r} is missing.")
    value = node[key]
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    ok = isinstance(value, kinds) and not (
        isinstance(value, bool) and bool not in kinds)
    expect(ok, where, f"{key!r} has the wrong type ({type(value).__name__}).")
    return value


def shape_of(value, where):
    """A shape: a list of non-negative ints."""
    expect(isinstance(value, list) and len(value) <= 32
           and all(type(n) is int and n >= 0 for n in value),
           where, f"invalid shape {value!r}.")
    return tuple(value)


def _float(value):
    if math.isfinite(value):
        return value
    return {"type": "float", "value": "nan" if math.isnan(value) else
            ("inf" if value > 0 else "-inf")}
