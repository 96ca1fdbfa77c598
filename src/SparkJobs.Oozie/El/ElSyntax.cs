namespace SparkJobs.Oozie.El;

/// <summary>A node of a parsed EL expression.</summary>
internal abstract record ElNode;

internal sealed record ElLiteral(object? Value) : ElNode;

internal sealed record ElVariable(string Name) : ElNode;

internal sealed record ElUnary(string Op, ElNode Operand) : ElNode;

internal sealed record ElBinary(string Op, ElNode Left, ElNode Right) : ElNode;

internal sealed record ElTernary(ElNode Condition, ElNode WhenTrue, ElNode WhenFalse) : ElNode;

internal sealed record ElIndex(ElNode Target, ElNode Key) : ElNode;

internal sealed record ElProperty(ElNode Target, string Name) : ElNode;

internal sealed record ElCall(string Function, IReadOnlyList<ElNode> Arguments) : ElNode;

internal enum TokenKind
{
    Identifier,
    String,
    Integer,
    Float,
    Symbol,
    End,
}

internal readonly record struct ElToken(TokenKind Kind, string Text, int Position);

/// <summary>Splits the inside of one <c>${...}</c> into tokens.</summary>
internal static class ElLexer
{
    private static readonly string[] Symbols =
        [
            "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", "(", ")", "[", "]",
            ".", ",",
        ];

    public static List<ElToken> Tokenize(string text)
    {
        var tokens = new List<ElToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' or '"')
            {
                var start = i;
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or '\'' or '"')
                    {
                        i++;
                    }

                    sb.Append(text[i++]);
                }

                if (i >= text.Length)
                {
                    throw new ElException(
                        $"Unterminated string literal at position {start + 1} in [{text}]; close it with {c}.");
                }

                i++;
                tokens.Add(new ElToken(TokenKind.String, sb.ToString(), start));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i;
                var isFloat = false;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'
                    || text[i] is 'e' or 'E' || (text[i] is '+' or '-' && text[i - 1] is 'e' or 'E')))
                {
                    isFloat |= text[i] is '.' or 'e' or 'E';
                    i++;
                }

                tokens.Add(new ElToken(isFloat ? TokenKind.Float : TokenKind.Integer, text[start..i], start));
            }
            else if (char.IsLetter(c) || c is '_' or '$')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$'))
                {
                    i++;
                }

                tokens.Add(new ElToken(TokenKind.Identifier, text[start..i], start));
            }
            else
            {
                var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    ?? throw new ElException($"Unexpected character '{c}' at position {i + 1} in [{text}].");
                tokens.Add(new ElToken(TokenKind.Symbol, symbol, i));
                i += symbol.Length;
            }
        }

        tokens.Add(new ElToken(TokenKind.End, string.Empty, text.Length));
        return tokens;
    }
}
