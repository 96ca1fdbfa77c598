using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Properties;

namespace SparkJobs.Oozie.Tests;

public sealed class PropertiesTests
{
    [Theory]
    [InlineData("a=b", "a", "b")]
    [InlineData("a:b", "a", "b")]
    [InlineData("a b", "a", "b")]
    [InlineData("  a  =  b  ", "a", "b  ")]
    [InlineData("a\\ key=v", "a key", "v")]
    [InlineData("k=line\\\n   continued", "k", "linecontinued")]
    [InlineData("k=tab\\there", "k", "tab\there")]
    [InlineData("k=\\u0041B", "k", "AB")]
    [InlineData("k=x\\\\", "k", "x\\")]
    [InlineData("k=", "k", "")]
    [InlineData("k", "k", "")]
    [InlineData("k=a=b", "k", "a=b")]
    [InlineData("k:=v", "k", "=v")]
    public void Parse_follows_java_properties_rules(string text, string key, string value)
    {
        var props = JavaProperties.Parse(text);

        Assert.Equal(value, props[key]);
    }

    [Fact]
    public void Parse_skips_comments_and_blank_lines_and_later_keys_win()
    {
        var props = JavaProperties.Parse("# c\n! also\n\n  \na=1\r\nb=2\ra=3\n");

        Assert.Equal(2, props.Count);
        Assert.Equal("3", props["a"]);
        Assert.Equal("2", props["b"]);
    }

    [Fact]
    public void HadoopConfiguration_reads_properties_and_reports_bad_roots()
    {
        var conf = HadoopConfiguration.Parse(
            "<configuration><property><name> a </name><value>1</value></property>" +
            "<property><name>b</name></property></configuration>", "c.xml");

        Assert.Equal("1", conf["a"]);
        Assert.Equal(string.Empty, conf["b"]);
        var e = Assert.Throws<WorkflowValidationException>(() => HadoopConfiguration.Parse("<conf/>", "c.xml"));
        Assert.Equal("E0701", e.Errors[0].Code);
        Assert.Contains("c.xml:1:2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_applies_precedence_and_expands_references()
    {
        var layers = new ConfigurationLayers(
            Overrides: Map(("a", "fromD")),
            JobProperties: Map(("a", "fromJob"), ("b", "fromJob"), ("path", "${user.dir}/x/${b}")),
            ConfigDefault: Map(("a", "fromDefault"), ("b", "fromDefault"), ("c", "fromDefault")),
            Parameters: [new WorkflowParameter("c", "fromParam", Here), new WorkflowParameter("d", "fromParam", Here)]);

        var conf = PropertyResolver.Resolve(layers, PropertyResolver.SystemProperties("bob"), Here);

        Assert.Equal("fromD", conf["a"]);
        Assert.Equal("fromJob", conf["b"]);
        Assert.Equal("fromDefault", conf["c"]);
        Assert.Equal("fromParam", conf["d"]);
        Assert.Equal(Directory.GetCurrentDirectory() + "/x/fromJob", conf["path"]);
    }

    [Fact]
    public void Resolve_reports_all_missing_parameters_and_references_together()
    {
        var layers = new ConfigurationLayers(
            Map(), Map(("out", "${base}/out"), ("fn", "${wf:id()}")), Map(),
            [new WorkflowParameter("p1", null, Here), new WorkflowParameter("p2", null, Here)]);

        var e = Assert.Throws<WorkflowValidationException>(
            () => PropertyResolver.Resolve(layers, PropertyResolver.SystemProperties("bob"), Here));

        Assert.Equal(2, e.Errors.Count);
        Assert.All(e.Errors, x => Assert.Equal("E0738", x.Code));
        Assert.Contains("p1,p2", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("${base} (used by out)", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wf:id", e.Message, StringComparison.Ordinal);
    }

    private static readonly SourceLocation Here = new("job.properties", 0, 0);

    private static Dictionary<string, string> Map(params (string K, string V)[] pairs) =>
        pairs.ToDictionary(p => p.K, p => p.V);
}
