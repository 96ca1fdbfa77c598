namespace SparkJobs.Oozie.El;

/// <summary>A function callable from EL, such as <c>wf:id</c> or <c>concat</c>.</summary>
/// <param name="arguments">The evaluated arguments.</param>
/// <returns>The result: null, bool, long, double, string or a string map.</returns>
public delegate object? ElFunction(IReadOnlyList<object?> arguments);

/// <summary>What EL expressions can see: variables and functions.</summary>
public interface IElContext
{
    /// <summary>Looks up a variable.</summary>
    /// <param name="name">The variable name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>Whether it exists.</returns>
    bool TryGetVariable(string name, out object? value);

    /// <summary>Looks up a function by its full name, for example <c>wf:id</c>.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="callable">The function.</param>
    /// <returns>Whether it exists.</returns>
    bool TryGetFunction(string name, out ElFunction? callable);
}

/// <summary>Evaluates text and attributes that contain <c>${...}</c> expressions with JSP 2.0 semantics.</summary>
public static class ElEvaluator
{
    /// <summary>Evaluates text with embedded expressions into a string; null results render as ''.</summary>
    /// <param name="text">The text.</param>
    /// <param name="context">Variables and functions.</param>
    /// <returns>The rendered text.</returns>
    /// <exception cref="ElException">An expression is invalid or refers to something unknown.</exception>
    public static string EvaluateText(string text, IElContext context) => ElValues.ToText(Evaluate(text, context));

    /// <summary>Evaluates a predicate such as a decision case.</summary>
    /// <param name="text">The text.</param>
    /// <param name="context">Variables and functions.</param>
    /// <returns>The boolean value.</returns>
    /// <exception cref="ElException">An expression is invalid or refers to something unknown.</exception>
    public static bool EvaluateBoolean(string text, IElContext context) =>
        ElValues.ToBoolean(Evaluate(text.Trim(), context));

    /// <summary>Evaluates text; a lone <c>${...}</c> keeps its typed value, anything else becomes a string.</summary>
    /// <param name="text">The text.</param>
    /// <param name="context">Variables and functions.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ElException">An expression is invalid or refers to something unknown.</exception>
    public static object? Evaluate(string text, IElContext context)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(context);
        var parts = Parsed(text);
        if (parts.Length == 1 && parts[0].Node is { } single)
        {
            return Eval(single, context);
        }

        var sb = new System.Text.StringBuilder();
        foreach (var (literal, node) in parts)
        {
            sb.Append(node is null ? literal : ElValues.ToText(Eval(node, context)));
        }

        return sb.ToString();
    }

    // Coordinators evaluate the same few templates for every action they materialize; parsing each once keeps
    // a ten-year hourly schedule from re-tokenizing them ninety thousand times. Parsed trees are immutable, so
    // they are shared across threads; the cache is emptied when full so that ad-hoc texts cannot grow it forever.
    private const int CacheLimit = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string, ElNode?)[]> Cache =
        new(StringComparer.Ordinal);

    private static (string Literal, ElNode? Node)[] Parsed(string text)
    {
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        // Parse errors throw here and are not cached, so every evaluation of a bad text reports it.
        var parsed = Split(text).Select(p => p.IsExpression ? (p.Text, ElParser.Parse(p.Text)) : (p.Text, null))
            .ToArray();
        if (Cache.Count >= CacheLimit)
        {
            Cache.Clear();
        }

        Cache[text] = parsed;
        return parsed;
    }

    /// <summary>Lists the plain variable names an expression text refers to, without evaluating it.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The variable names.</returns>
    /// <exception cref="ElException">An expression is invalid.</exception>
    public static IReadOnlyList<string> Variables(string text)
    {
        var names = new List<string>();
        void Walk(ElNode node)
        {
            switch (node)
            {
                case ElVariable v: names.Add(v.Name); break;
                case ElUnary u: Walk(u.Operand); break;
                case ElBinary b: Walk(b.Left); Walk(b.Right); break;
                case ElTernary t: Walk(t.Condition); Walk(t.WhenTrue); Walk(t.WhenFalse); break;
                case ElIndex i: Walk(i.Target); Walk(i.Key); break;
                case ElProperty p: Walk(p.Target); break;
                case ElCall c: c.Arguments.ToList().ForEach(Walk); break;
            }
        }

        foreach (var part in Split(text).Where(p => p.IsExpression))
        {
            Walk(ElParser.Parse(part.Text));
        }

        return names;
    }

    private readonly record struct Part(string Text, bool IsExpression);

    private static List<Part> Split(string text)
    {
        var parts = new List<Part>();
        var literal = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\\' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                literal.Append("${");
                i += 3;
                continue;
            }

            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = FindClose(text, i + 2);
                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), false));
                    literal.Clear();
                }

                parts.Add(new Part(text[(i + 2)..end], true));
                i = end + 1;
                continue;
            }

            literal.Append(text[i++]);
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(new Part(literal.ToString(), false));
        }

        return parts;
    }

    private static int FindClose(string text, int from)
    {
        char? quote = null;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '}')
            {
                return i;
            }
        }

        throw new ElException($"The expression starting at position {from - 1} in [{text}] has no closing '}}'.");
    }

    private static object? Eval(ElNode node, IElContext context)
    {
        switch (node)
        {
            case ElLiteral literal:
                return literal.Value;
            case ElVariable variable:
                return context.TryGetVariable(variable.Name, out var value)
                    ? value
                    : throw new ElException($"variable [{variable.Name}] cannot be resolved");
            case ElUnary { Op: "empty" } u:
                return ElValues.IsEmpty(Eval(u.Operand, context));
            case ElUnary { Op: "!" } u:
                return !ElValues.ToBoolean(Eval(u.Operand, context));
            case ElUnary u:
                var operand = Eval(u.Operand, context);
                return ElValues.IsFloating(operand) ? -ElValues.ToDouble(operand) : (object)-ElValues.ToLong(operand);
            case ElTernary t:
                return Eval(ElValues.ToBoolean(Eval(t.Condition, context)) ? t.WhenTrue : t.WhenFalse, context);
            case ElBinary { Op: "&&" } b:
                return ElValues.ToBoolean(Eval(b.Left, context)) && ElValues.ToBoolean(Eval(b.Right, context));
            case ElBinary { Op: "||" } b:
                return ElValues.ToBoolean(Eval(b.Left, context)) || ElValues.ToBoolean(Eval(b.Right, context));
            case ElBinary b:
                var left = Eval(b.Left, context);
                var right = Eval(b.Right, context);
                return b.Op switch
                {
                    "==" => ElValues.AreEqual(left, right),
                    "!=" => !ElValues.AreEqual(left, right),
                    "<" or ">" or "<=" or ">=" => ElValues.Compare(b.Op, left, right),
                    _ => ElValues.Arithmetic(b.Op, left, right),
                };
            case ElIndex index:
                return Lookup(Eval(index.Target, context), ElValues.ToText(Eval(index.Key, context)));
            case ElProperty property:
                return Lookup(Eval(property.Target, context), property.Name);
            case ElCall call:
                if (!context.TryGetFunction(call.Function, out var function) || function is null)
                {
                    throw new ElException($"function [{call.Function}] cannot be resolved");
                }

                return function([.. call.Arguments.Select(a => Eval(a, context))]);
            default:
                throw new ElException($"Unsupported expression {node}.");
        }
    }

    private static string? Lookup(object? target, string key) => target switch
    {
        null => null,
        IReadOnlyDictionary<string, string> map => map.TryGetValue(key, out var v) ? v : null,
        _ => throw new ElException($"Cannot read [{key}] from {ElValues.Describe(target)}; only maps support [ ]."),
    };
}
