using Microsoft.Extensions.Time.Testing;
using SparkJobs.Oozie.El;

namespace SparkJobs.Oozie.Tests;

public sealed class ElTests
{
    private sealed class Context : IElContext
    {
        private readonly Dictionary<string, ElFunction> _functions =
            ElFunctions.Basic(new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 10, 5, 0, TimeSpan.Zero)));

        private readonly Dictionary<string, object?> _variables = new()
        {
            ["s"] = "abc", ["n"] = "5", ["three"] = 3L, ["none"] = null, ["KB"] = 1024L,
            ["map"] = new Dictionary<string, string> { ["k"] = "10" },
        };

        public Context()
        {
            _functions["wf:conf"] = _ => null;
            _functions["wf:actionData"] = _ => _variables["map"];
        }

        public bool TryGetVariable(string name, out object? value) => _variables.TryGetValue(name, out value);

        public bool TryGetFunction(string name, out ElFunction? callable)
        {
            var found = _functions.TryGetValue(name, out var f);
            callable = f;
            return found;
        }
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("${1 + 2}", "3")]
    [InlineData("${'1' + 2}", "3")]
    [InlineData("${7 / 2}", "3.5")]
    [InlineData("${4 div 2}", "2.0")]
    [InlineData("${7 % 3}", "1")]
    [InlineData("${7 mod 3}", "1")]
    [InlineData("${2 * 1.5}", "3.0")]
    [InlineData("${-three}", "-3")]
    [InlineData("${null + null}", "0")]
    [InlineData("a-${s}-b", "a-abc-b")]
    [InlineData("${s}${three}", "abc3")]
    [InlineData("${null eq ''}", "false")]
    [InlineData("${null == null}", "true")]
    [InlineData("${empty null}", "true")]
    [InlineData("${empty ''}", "true")]
    [InlineData("${empty s}", "false")]
    [InlineData("${empty none}", "true")]
    [InlineData("${empty wf:conf('x')}", "true")]
    [InlineData("${wf:conf('x') eq null}", "true")]
    [InlineData("[${wf:conf('x')}]", "[]")]
    [InlineData("${n gt 4}", "true")]
    [InlineData("${n ge 5 and n lt 6}", "true")]
    [InlineData("${n == 5}", "true")]
    [InlineData("${'b' > 'a'}", "true")]
    [InlineData("${wf:actionData('a')['k'] ge 10}", "true")]
    [InlineData("${'10' ge '9'}", "false")]
    [InlineData("${'10' + 0 ge '9' + 0}", "true")]
    [InlineData("${map['k'] + 1}", "11")]
    [InlineData("${map['missing'] eq null}", "true")]
    [InlineData("${not true || false}", "false")]
    [InlineData("${!(1 eq 1) ? 'y' : 'n'}", "n")]
    [InlineData("${three eq 3 ? 'yes' : 'no'}", "yes")]
    [InlineData("${1 ne 2 && 2 != 3}", "true")]
    [InlineData("${1 <= 1 && 2 >= 3}", "false")]
    [InlineData("${concat('a', null)}", "a")]
    [InlineData("${trim('  x ')}", "x")]
    [InlineData("${replaceAll('a-b-c', '-', '+')}", "a+b+c")]
    [InlineData("${replaceAll('abc', null, 'x')}", "abc")]
    [InlineData("${appendAll('a,b', '/x', ',')}", "a/x,b/x")]
    [InlineData("${firstNotNull(none, 'd')}", "d")]
    [InlineData("${urlEncode('a b&c')}", "a+b%26c")]
    [InlineData("${timestamp()}", "2024-03-01T10:05Z")]
    [InlineData("${2 * KB}", "2048")]
    [InlineData("${\"q\\\"uote\"}", "q\"uote")]
    [InlineData("\\${not evaluated}", "${not evaluated}")]
    [InlineData("${1e3}", "1000.0")]
    public void EvaluateText_follows_jsp_el_rules(string text, string expected)
    {
        Assert.Equal(expected, ElEvaluator.EvaluateText(text, new Context()));
    }

    [Theory]
    [InlineData("${undefined}", "variable [undefined] cannot be resolved")]
    [InlineData("${a.b}", "variable [a] cannot be resolved")]
    [InlineData("${nope:fn()}", "function [nope:fn] cannot be resolved")]
    [InlineData("${1 +}", "ends too early")]
    [InlineData("${'open}", "no closing")]
    [InlineData("${'open", "no closing")]
    [InlineData("${s", "no closing")]
    [InlineData("${'x' + 1}", "Cannot convert 'x' to a number")]
    [InlineData("${'0.91' + 0 ge 'high' + 0}", "Cannot convert 'high' to a number")]
    [InlineData("${concat('a')}", "takes 2 argument(s)")]
    public void EvaluateText_reports_errors_as_el_error(string text, string fragment)
    {
        var e = Assert.Throws<ElException>(() => ElEvaluator.EvaluateText(text, new Context()));

        Assert.Equal("EL_ERROR", e.ErrorCode);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_keeps_the_type_of_a_lone_expression()
    {
        Assert.Equal(true, ElEvaluator.Evaluate("${1 lt 2}", new Context()));
        Assert.Equal(3L, ElEvaluator.Evaluate("${three}", new Context()));
        Assert.True(ElEvaluator.EvaluateBoolean("  ${'TRUE'}  ", new Context()));
    }

    [Fact]
    public void Variables_lists_referenced_names()
    {
        Assert.Equal(["a", "b", "c"], ElEvaluator.Variables("${a} and ${wf:conf(b) ? c : 'x'}"));
    }
}
