"""Arrays in .csv and .npy files, for the command line.

Reading: a .csv file holds one distribution (or one sample) per line and is
always read as a 2-D array, also when it has one line or one column; a .npy
file may hold a 1-D array (one distribution or sample) or a 2-D one.  An
empty input, a file that is not what its name says (an .npz archive named
.npy, a 0-byte file, text) is a ValueError with one line of message.

CSV header rule: lines that are blank or start with ``#`` are skipped; the
first remaining line is a header (skipped) when one of its fields is a text
that is not a number, or when its first field is empty, or always with
``header=True``.  A header whose first field is empty is what pandas'
``DataFrame.to_csv`` writes for its row index (``index=True``, the default):
the first column then holds the index and is dropped.  A header of numbers
only (``to_csv(index=False)`` of a frame with integer column names writes
``0,1,2``) is not recognized: pass ``header=True`` (``--header``).

Writing: full precision (``%.17g``) in CSV, a 1-D array as one CSV line.
A file is written to a temporary file in the target directory and renamed
over the target only once complete (:func:`os.replace`): a failed write
(disk full, file size limit) leaves an existing file unchanged and no partial
or temporary file behind.
"""

import csv
import os
import tempfile
import warnings

import numpy as np

__all__ = ["read_array", "write_array", "write_csv", "check_suffix"]

_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"


def check_suffix(path, name):
    """Raise ValueError unless ``path`` ends in .csv or .npy."""
    if not (path.endswith(".csv") or path.endswith(".npy")):
        raise ValueError(f"{name} must be a .csv or .npy file, got {path!r}")


def _is_number(field):
    try:
        float(field)
    except ValueError:
        return False
    return True


def _is_header(fields):
    """The header rule of the module docstring: a non-numeric text field, or an empty first field."""
    return fields[0].strip() == "" or any(f.strip() and not _is_number(f) for f in fields)


def _read_npy(path, name):
    with open(path, "rb") as fh:
        magic = fh.read(len(_NPY_MAGIC))
        if not magic:
            raise ValueError(f"{name} {path!r} is empty (0 bytes), not a .npy file")
        if magic.startswith(_ZIP_MAGIC):
            raise ValueError(f"{name} {path!r} is an .npz archive (several arrays), not a .npy file")
        if magic != _NPY_MAGIC:
            raise ValueError(f"{name} {path!r} is not a .npy file (no NumPy header)")
        fh.seek(0)
        try:
            return np.load(fh, allow_pickle=False)
        except (ValueError, EOFError) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ValueError(f"{name} {path!r} is not a valid .npy file: {msg}") from None


def _read_csv(path, name, header):
    with open(path, encoding="utf-8-sig") as fh:
        first, index = None, -1
        for index, line in enumerate(fh):
            if line.strip() and not line.lstrip().startswith("#"):
                first = line
                break
        skip, usecols = 0, None
        if first is not None:
            fields = next(csv.reader([first]))
            if header or _is_header(fields):
                skip = index + 1
                if fields[0].strip() == "":  # pandas' index column: drop it
                    data = next((ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")), first)
                    usecols = range(1, max(len(data.split(",")), 2))
        fh.seek(0)
        try:
            with warnings.catch_warnings():
                # numpy warns "input contained no data" for an empty file: reported below as an error
                warnings.simplefilter("ignore", UserWarning)
                arr = np.loadtxt(fh, delimiter=",", ndmin=2, skiprows=skip, usecols=usecols)
        except ValueError as exc:
            raise ValueError(f"{name} {path!r} is not a numeric CSV file: {str(exc).splitlines()[0]}") from None
    if skip and arr.shape[0] == 0:
        raise ValueError(f"{name} {path!r} has no rows (only a header line)")
    return arr


def read_array(path, name, *, header=False):
    """A non-empty array from a .npy file (1-D or 2-D) or a .csv file (always 2-D: one row per line).

    Parameters
    ----------
    path : str
        A file name ending in .csv or .npy.
    name : str
        How the messages call the file (e.g. ``"--input"``).
    header : bool, optional
        CSV only: the first line is a header even if it holds numbers only
        (by default it is one when it has a field that is not a number, or
        an empty first field; see the module docstring).

    Returns
    -------
    ndarray
    """
    check_suffix(path, name)
    try:
        arr = _read_npy(path, name) if path.endswith(".npy") else _read_csv(path, name, header)
    except FileNotFoundError:
        raise FileNotFoundError(f"{name} {path!r} not found") from None
    except UnicodeDecodeError:
        raise ValueError(f"{name} {path!r} is not a text CSV file (not UTF-8)") from None
    if arr.ndim > 2:
        raise ValueError(f"{name} must hold a 1-D or 2-D array, got {arr.ndim}-D")
    if arr.size == 0:
        what = "no values" if arr.ndim < 2 else "no rows" if arr.shape[0] == 0 else "no columns"
        raise ValueError(f"{name} {path!r} has {what}")
    return arr


def write_csv(stream, arr):
    """Write an array as CSV to an open file (full precision; a 1-D array is one line)."""
    np.savetxt(stream, np.atleast_2d(arr), delimiter=",", fmt="%.17g")


def _new_file_mode(path):
    """The permissions of the existing ``path``, or those a new file gets under the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_array(path, arr, name="--output"):
    """Write an array to a .npy or .csv file, all or nothing.

    The data go to a temporary file in the directory of ``path``, renamed
    over ``path`` once complete; on any failure the temporary file is
    removed, ``path`` is left as it was and an OSError names ``path``.
    """
    check_suffix(path, name)
    target = os.path.realpath(path)  # through a symbolic link, as opening the file would
    if os.path.exists(target) and not os.access(target, os.W_OK):
        raise PermissionError(f"{name} {path!r} is not writable")
    directory = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    except OSError as exc:
        raise OSError(f"{name} {path!r} cannot be written: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if path.endswith(".npy"):
                np.save(fh, arr)
            else:
                write_csv(fh, arr)
        os.chmod(tmp, _new_file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OSError(f"{name} {path!r} was not written (left unchanged): {exc.strerror or exc}") from None
        raise
