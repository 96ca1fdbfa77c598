using System.Globalization;

namespace SparkJobs.Oozie.El;

/// <summary>A recursive-descent parser for JSP 2.0 EL expressions.</summary>
internal sealed class ElParser
{
    private static readonly Dictionary<string, string> WordOperators = new(StringComparer.Ordinal)
    {
        ["eq"] = "==", ["ne"] = "!=", ["lt"] = "<", ["gt"] = ">", ["le"] = "<=", ["ge"] = ">=",
        ["and"] = "&&", ["or"] = "||", ["not"] = "!", ["div"] = "/", ["mod"] = "%",
    };

    private readonly List<ElToken> _tokens;
    private readonly string _text;
    private int _at;

    private ElParser(string text)
    {
        _text = text;
        _tokens = ElLexer.Tokenize(text);
    }

    public static ElNode Parse(string expression)
    {
        var parser = new ElParser(expression);
        var node = parser.Ternary();
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw parser.Unexpected();
        }

        return node;
    }

    private ElToken Peek => _tokens[_at];

    private string PeekOperator =>
        Peek.Kind == TokenKind.Symbol ? Peek.Text
        : Peek.Kind == TokenKind.Identifier && WordOperators.TryGetValue(Peek.Text, out var op) ? op
        : Peek.Kind == TokenKind.Identifier && Peek.Text == "empty" ? "empty"
        : string.Empty;

    private ElNode Ternary()
    {
        var condition = Binary(0);
        if (PeekOperator != "?")
        {
            return condition;
        }

        _at++;
        var whenTrue = Ternary();
        Expect(":");
        return new ElTernary(condition, whenTrue, Ternary());
    }

    private static readonly string[][] Levels =
    [
        ["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/", "%"],
    ];

    private ElNode Binary(int level)
    {
        if (level == Levels.Length)
        {
            return Unary();
        }

        var left = Binary(level + 1);
        while (Levels[level].Contains(PeekOperator))
        {
            var op = PeekOperator;
            _at++;
            left = new ElBinary(op, left, Binary(level + 1));
        }

        return left;
    }

    private ElNode Unary()
    {
        var op = PeekOperator;
        if (op is "-" or "!" or "empty")
        {
            _at++;
            return new ElUnary(op, Unary());
        }

        return Postfix(Primary());
    }

    private ElNode Postfix(ElNode node)
    {
        while (true)
        {
            if (PeekOperator == "[")
            {
                _at++;
                var key = Ternary();
                Expect("]");
                node = new ElIndex(node, key);
            }
            else if (PeekOperator == ".")
            {
                _at++;
                var name = Next();
                if (name.Kind != TokenKind.Identifier)
                {
                    throw Unexpected(name);
                }

                node = new ElProperty(node, name.Text);
            }
            else
            {
                return node;
            }
        }
    }

    private ElNode Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.String:
                return new ElLiteral(token.Text);
            case TokenKind.Integer:
                return new ElLiteral(long.Parse(token.Text, CultureInfo.InvariantCulture));
            case TokenKind.Float:
                return new ElLiteral(double.Parse(token.Text, CultureInfo.InvariantCulture));
            case TokenKind.Symbol when token.Text == "(":
                var inner = Ternary();
                Expect(")");
                return inner;
            case TokenKind.Identifier:
                return Identifier(token);
            default:
                throw Unexpected(token);
        }
    }

    private ElNode Identifier(ElToken token)
    {
        switch (token.Text)
        {
            case "true": return new ElLiteral(true);
            case "false": return new ElLiteral(false);
            case "null": return new ElLiteral(null);
        }

        var name = token.Text;

        // prefix:name( is a function call; a lone ':' belongs to ?: instead.
        if (PeekOperator == ":" && _tokens[_at + 1].Kind == TokenKind.Identifier && _tokens[_at + 2].Text == "(")
        {
            name = name + ":" + _tokens[_at + 1].Text;
            _at += 2;
        }

        if (PeekOperator != "(")
        {
            return name.Contains(':', StringComparison.Ordinal) ? throw Unexpected() : new ElVariable(name);
        }

        _at++;
        var args = new List<ElNode>();
        if (PeekOperator != ")")
        {
            args.Add(Ternary());
            while (PeekOperator == ",")
            {
                _at++;
                args.Add(Ternary());
            }
        }

        Expect(")");
        return new ElCall(name, args);
    }

    private ElToken Next() => _tokens[_at < _tokens.Count - 1 ? _at++ : _at];

    private void Expect(string symbol)
    {
        if (PeekOperator != symbol)
        {
            throw new ElException(
                $"Expected '{symbol}' at position {Peek.Position + 1} in [{_text}] but found " +
                $"{(Peek.Kind == TokenKind.End ? "the end" : $"'{Peek.Text}'")}.");
        }

        _at++;
    }

    private ElException Unexpected(ElToken? token = null)
    {
        var t = token ?? Peek;
        return new ElException(t.Kind == TokenKind.End
            ? $"The expression [{_text}] ends too early."
            : $"Unexpected '{t.Text}' at position {t.Position + 1} in [{_text}].");
    }
}
