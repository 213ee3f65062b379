"""core.datafiles: the user's tables, written by these tests as a spreadsheet or an editor
would, read back exactly; bad files refused with the line and column named."""

import pytest

from core import datafiles as df


def written(tmp_path, name: str, content: str | bytes) -> bytes:
    """Write a file as a user would have it, and read its bytes back as the app does."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path.read_bytes()


@pytest.mark.parametrize(
    "text",
    [
        "x,y,sigma\n0.5,1.25,0.1\n1.5,2.5,0.2\n",  # CSV with a header
        "0.5\t1.25\t0.1\r\n1.5\t2.5\t0.2\r\n",  # TSV (a spreadsheet's clipboard), CRLF
        "x;y;σ\n0,5;1,25;0,1\n1,5;2,5;0,2\n",  # semicolons and decimal commas
        '"x","y","err"\n"0,5","1,25","0,1"\n"1,5","2,5","0,2"\n',  # quoted decimal commas
        "# pendulum, 2024\n\n0.5  1.25  0.1\n1.5  2.5   0.2\n",  # comment, spaces
        "\ufeffL (m);T (s);dT (s);;\n0,5;1,25;0,1;;\n1,5;2,5;0,2;;\n",  # BOM, trailing ;;
    ],
)
def test_the_same_measurements_in_every_accepted_form(tmp_path, text):
    data = df.read_measurements(written(tmp_path, "lab.csv", text), "lab.csv")
    assert data.x.tolist() == [0.5, 1.5]
    assert data.y.tolist() == [1.25, 2.5]
    assert data.sigma.tolist() == [0.1, 0.2]


def test_without_a_sigma_column_there_is_no_sigma(tmp_path):
    data = df.read_measurements(written(tmp_path, "a.csv", "1;2\n3;4,5\n"), "a.csv")
    assert data.sigma is None and data.y.tolist() == [2.0, 4.5]
    assert data.table.decimal_comma and data.table.separator == ";"


def test_a_header_picks_x_y_and_sigma_out_of_more_columns(tmp_path):
    text = "run;x;dx;y;dy [V]\n1;0,1;0,01;2;0,3\n2;0,2;0,01;4;0,5\n"
    data = df.read_measurements(written(tmp_path, "m.csv", text), "m.csv")
    assert data.x.tolist() == [0.1, 0.2] and data.y.tolist() == [2.0, 4.0]
    assert data.sigma.tolist() == [0.3, 0.5]
    assert data.columns == ("x", "y", "dy [V]")


def test_minus_signs_and_exponents(tmp_path):
    data = df.read_measurements(written(tmp_path, "e.csv", "−1e-3,2.5E+2\n+.5,-3.\n"), "e.csv")
    assert data.x.tolist() == [-1e-3, 0.5] and data.y.tolist() == [250.0, -3.0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("x,y\n1,2\n3,abc\n", "bad.csv, line 3, column 2 (y): 'abc' is not a number"),
        ("1;2\n3;4\n\n5;x7\n", "bad.csv, line 4, column 2: 'x7' is not a number"),
        ("1,2\n3\n", "bad.csv, line 2: 1 value, expected 2 like the first row"),
        ("1\n2\n3\n", "too few columns"),
        ("1,2\n3,nan\n", "line 2, column 2: 'nan' is not a finite number"),
        ("1,2\n-inf,4\n", "line 2, column 1: '-inf' is not a finite number"),
        ("1,2\n1e999,4\n", "line 2, column 1: '1e999' is too large"),
        ("1,2,0.5\n3,4,0\n", "line 2, column 3 (σ): σ must be > 0, got 0"),
        ("1,2,-0.1\n", "line 1, column 3 (σ): σ must be > 0, got -0.1"),
        ("", "bad.csv is empty"),
        ("\n  \n", "bad.csv is empty"),
        ("# only a comment\n", "bad.csv has no data rows"),
        ("x,y\n", "has a header (line 1) but no data rows"),
        ("1,2,3,4\n5,6,7,8\n", "4 columns; expected x, y and optionally σ"),
        ("1,,3\n", "line 1, column 2: empty"),
        ("1.234,5;2\n", "line 1, column 1: '1.234,5' is not a number"),
        ("x,y\n1,2\n".encode("utf-16"), "not UTF-8 text (byte 0xFF at position 0)"),
        ("x;y\né;2\n".encode("latin-1"), "not UTF-8 text (byte 0xE9 at position 4)"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not UTF-8 text"),
        (b"1,2\n\x00\x00", "not a text file"),
    ],
)
def test_bad_files_are_refused_naming_the_line_and_column(tmp_path, content, message):
    with pytest.raises(df.DataFileError) as refused:
        df.read_measurements(written(tmp_path, "bad.csv", content), "bad.csv")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)  # one line, for the status bar and the command line


def test_a_million_rows_are_refused_before_parsing(tmp_path):
    content = "x,y\n" + "1.5,2.5\n" * 10**6
    with pytest.raises(df.DataFileError, match=r"1 000 000 data rows; at most 10 000"):
        df.read_measurements(written(tmp_path, "big.csv", content), "big.csv", max_rows=10_000)


def test_a_file_beyond_the_byte_limit_is_refused():
    with pytest.raises(df.DataFileError, match="larger than 16 MB"):
        df.read_measurements(b"1,2\n" * (df.MAX_BYTES // 4 + 1), "huge.csv")


def test_bounds_name_the_line_of_the_value_outside(tmp_path):
    with pytest.raises(df.DataFileError, match=r"line 3, column 3 \(σ\): 1e-08 is outside"):
        df.read_measurements(
            written(tmp_path, "b.csv", "1,2,0.1\n2,3,0.2\n3,4,1e-8\n"),
            "b.csv",
            bounds={"σ": (1e-6, 1e6)},
        )


def test_point_clouds_of_one_or_two_columns(tmp_path):
    one = df.read_points(written(tmp_path, "p1.csv", "0.5\n1.5\n2.5\n"), "p1.csv")
    two = df.read_points(written(tmp_path, "p2.csv", "a;x;y\n1;0,5;2\n2;1,5;3\n"), "p2.csv")
    assert one.values.shape == (3, 1) and one.values[:, 0].tolist() == [0.5, 1.5, 2.5]
    assert two.values.tolist() == [[0.5, 2.0], [1.5, 3.0]] and two.header == ("x", "y")
    with pytest.raises(df.DataFileError, match="3 columns; expected x"):
        df.read_points(written(tmp_path, "p3.csv", "1,2,3\n"), "p3.csv")
