"""Tokenizer for a small expression language.

Tokens: numbers (int or float), identifiers/keywords, double-quoted strings
with backslash escapes, one- and two-character operators, and punctuation.
'#' starts a comment that runs to the end of the line. Every token records the
1-based line and column where it starts.
"""
from dataclasses import dataclass

KEYWORDS = {"let", "if", "else", "while", "fn", "return", "true", "false"}
TWO_CHAR_OPS = {"==", "!=", "<=", ">=", "&&", "||", "->"}
ONE_CHAR_OPS = set("+-*/%<>=!")
PUNCTUATION = set("()[]{},;:")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


class LexError(Exception):
    def __init__(self, message, line, col):
        super().__init__(f"{message} at {line}:{col}")
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Token:
    kind: str      # NUMBER, IDENT, KEYWORD, STRING, OP, PUNCT, EOF
    value: object
    line: int
    col: int


class Lexer:
    def __init__(self, source):
        self.src = source
        self.pos = 0
        self.line = 1
        self.col = 1

    # -- low-level cursor helpers ---------------------------------------------
    def _peek(self, offset=0):
        i = self.pos + offset
        return self.src[i] if i < len(self.src) else ""

    def _advance(self):
        ch = self.src[self.pos]
        self.pos += 1
        if ch == "\n":
            self.line += 1
        else:
            self.col += 1
        return ch

    def _skip_trivia(self):
        while self.pos < len(self.src):
            ch = self._peek()
            if ch in " \t\r\n":
                self._advance()
            elif ch == "#":
                while self.pos < len(self.src) and self._peek() != "\n":
                    self._advance()
            else:
                break

    # -- token readers ---------------------------------------------------------
    def _number(self, line, col):
        start = self.pos
        while self._peek().isdigit():
            self._advance()
        is_float = False
        if self._peek() == "." and self._peek(1).isdigit():
            is_float = True
            self._advance()
            while self._peek().isdigit():
                self._advance()
        text = self.src[start:self.pos]
        if self._peek().isalpha() or self._peek() == "_":
            raise LexError(f"bad number literal {text + self._peek()!r}", line, col)
        return Token("NUMBER", float(text) if is_float else int(text), line, col)

    def _word(self, line, col):
        start = self.pos
        while self._peek().isalnum() or self._peek() == "_":
            self._advance()
        text = self.src[start:self.pos]
        return Token("KEYWORD" if text in KEYWORDS else "IDENT", text, line, col)

    def _string(self, line, col):
        self._advance()  # opening quote
        chars = []
        while True:
            if self.pos >= len(self.src):
                raise LexError("unterminated string", line, col)
            ch = self._advance()
            if ch == '"':
                break
            if ch == "\\":
                if self.pos >= len(self.src):
                    raise LexError("unterminated string", line, col)
                esc = self._advance()
                if esc not in ESCAPES:
                    raise LexError(f"unknown escape \\{esc}", self.line, self.col - 2)
                chars.append(ESCAPES[esc])
            elif ch == "\n":
                raise LexError("newline in string", line, col)
            else:
                chars.append(ch)
        return Token("STRING", "".join(chars), line, col)

    def _operator(self, line, col):
        pair = self.src[self.pos:self.pos + 1]
        if pair in TWO_CHAR_OPS:
            self._advance()
            self._advance()
            return Token("OP", pair, line, col)
        ch = self._advance()
        return Token("OP", ch, line, col)

    # -- public API ----------------------------------------------------------------
    def next_token(self):
        self._skip_trivia()
        line, col = self.line, self.col
        if self.pos >= len(self.src):
            return Token("EOF", None, line, col)
        ch = self._peek()
        if ch.isdigit():
            return self._number(line, col)
        if ch.isalpha() or ch == "_":
            return self._word(line, col)
        if ch == '"':
            return self._string(line, col)
        if ch in ONE_CHAR_OPS or ch in "&|":
            tok = self._operator(line, col)
            if tok.value in ("&", "|"):
                raise LexError(f"unexpected {tok.value!r}", line, col)
            return tok
        if ch in PUNCTUATION:
            self._advance()
            return Token("PUNCT", ch, line, col)
        raise LexError(f"unexpected character {ch!r}", line, col)

    def tokens(self):
        while True:
            tok = self.next_token()
            yield tok
            if tok.kind == "EOF":
                return


def tokenize(source):
    return list(Lexer(source).tokens())


def kinds_and_values(source):
    return [(t.kind, t.value) for t in tokenize(source) if t.kind != "EOF"]
