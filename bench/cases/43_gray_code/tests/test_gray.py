from gray import to_gray, from_gray, gray_sequence


def test_small_values():
    assert [to_gray(i) for i in range(8)] == [0, 1, 3, 2, 6, 7, 5, 4]


def test_inverse():
    for i in range(256):
        assert from_gray(to_gray(i)) == i


def test_adjacent_codes_differ_by_one_bit():
    seq = gray_sequence(4)
    for a, b in zip(seq, seq[1:]):
        assert bin(a ^ b).count("1") == 1
