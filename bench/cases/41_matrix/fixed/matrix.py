"""A tiny dense matrix type over Python numbers (lists of rows)."""
from fractions import Fraction


class Matrix:
    def __init__(self, rows):
        rows = [list(r) for r in rows]
        if not rows or not rows[0]:
            raise ValueError("matrix must have at least one row and column")
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            raise ValueError("ragged rows")
        self.rows = rows

    @classmethod
    def identity(cls, n):
        return cls([[1 if i == j else 0 for j in range(n)] for i in range(n)])

    @classmethod
    def zeros(cls, n_rows, n_cols):
        return cls([[0] * n_cols for _ in range(n_rows)])

    @property
    def shape(self):
        return len(self.rows), len(self.rows[0])

    def __getitem__(self, pos):
        i, j = pos
        return self.rows[i][j]

    def __eq__(self, other):
        return isinstance(other, Matrix) and self.rows == other.rows

    def __repr__(self):
        return f"Matrix({self.rows!r})"

    def __add__(self, other):
        if self.shape != other.shape:
            raise ValueError("shape mismatch")
        return Matrix([[a + b for a, b in zip(r1, r2)] for r1, r2 in zip(self.rows, other.rows)])

    def __sub__(self, other):
        return self + other.scale(-1)

    def scale(self, k):
        return Matrix([[k * x for x in row] for row in self.rows])

    def transpose(self):
        n_rows, n_cols = self.shape
        return Matrix([[self.rows[i][j] for i in range(n_rows)] for j in range(n_cols)])

    def __matmul__(self, other):
        n, m = self.shape
        m2, p = other.shape
        if m != m2:
            raise ValueError(f"cannot multiply {self.shape} by {other.shape}")
        result = Matrix.zeros(n, p)
        for i in range(n):
            for j in range(p):
                result.rows[i][j] = sum(self.rows[i][k] * other.rows[k][j] for k in range(m))
        return result

    def minor(self, i, j):
        return Matrix([row[:j] + row[j + 1:] for k, row in enumerate(self.rows) if k != i])

    def determinant(self):
        n, m = self.shape
        if n != m:
            raise ValueError("determinant of a non-square matrix")
        if n == 1:
            return self.rows[0][0]
        if n == 2:
            (a, b), (c, d) = self.rows
            return a * d - b * c
        total = 0
        for j in range(n):
            sign = -1 if j % 2 else 1
            total += sign * self.rows[0][j] * self.minor(0, j).determinant()
        return total

    def inverse(self):
        """Exact inverse using Fractions (Gauss-Jordan elimination)."""
        n, m = self.shape
        if n != m:
            raise ValueError("only square matrices are invertible")
        aug = [[Fraction(x) for x in row] + [Fraction(int(i == j)) for j in range(n)]
               for i, row in enumerate(self.rows)]
        for col in range(n):
            pivot = next((r for r in range(col, n) if aug[r][col] != 0), None)
            if pivot is None:
                raise ValueError("matrix is singular")
            aug[col], aug[pivot] = aug[pivot], aug[col]
            factor = aug[col][col]
            aug[col] = [x / factor for x in aug[col]]
            for r in range(n):
                if r != col and aug[r][col] != 0:
                    f = aug[r][col]
                    aug[r] = [x - f * y for x, y in zip(aug[r], aug[col])]
        return Matrix([row[n:] for row in aug])

    def trace(self):
        n, m = self.shape
        return sum(self.rows[i][i] for i in range(min(n, m)))
