namespace SparkJobs.DataFrame.SparkConnect.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Full_string_is_parsed_into_its_parts()
    {
        var id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        var options = SparkConnectOptions.Parse(
            $"sc://spark.example:443/;token=abc%3Bdef;user_id=ml;use_ssl=true;session_id={id};user_agent=preprocess");
        Assert.Equal(new SparkConnectOptions("spark.example", 443, "abc;def", "ml", true, id, "preprocess"), options);
        Assert.Equal(new Uri("https://spark.example:443"), options.Address);
        Assert.DoesNotContain("abc", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_port_15002_plain_text_and_a_fresh_uuid_session()
    {
        var a = SparkConnectOptions.Parse("sc://localhost");
        var b = SparkConnectOptions.Parse("sc://localhost:15002/");
        Assert.Equal(15002, a.Port);
        Assert.False(a.UseSsl);
        Assert.True(Guid.TryParseExact(a.SessionId, "D", out _));
        Assert.NotEqual(a.SessionId, b.SessionId);
        Assert.Equal("::1", SparkConnectOptions.Parse("sc://[::1]:7077").Host);
    }

    [Theory]
    [InlineData("http://host:15002", "must start with sc://")]
    [InlineData("sc://:15002", "the host is missing")]
    [InlineData("sc://host:99999", "port '99999' must be a number from 1 to 65535")]
    [InlineData("sc://host:abc/", "port 'abc'")]
    [InlineData("sc://host/path;user_id=x", "the path '/path' must be empty")]
    [InlineData("sc://host/;userid=x", "parameter 'userid' is unknown; the parameters are token, user_id")]
    [InlineData("sc://host/;user_id", "parameter 'user_id' must be written key=value")]
    [InlineData("sc://host/;use_ssl=yes", "use_ssl='yes' must be true or false")]
    [InlineData("sc://host/;session_id=42", "session_id='42' must be a UUID")]
    [InlineData("sc://host/;user_id=a;user_id=b", "parameter 'user_id' is given twice")]
    public void Bad_strings_are_refused_naming_the_part_and_the_fix(string text, string expected)
    {
        var e = Assert.Throws<DataFrameException>(() => SparkConnectOptions.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Spark Connect connection string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_is_refused_over_plain_text_to_another_host_and_never_echoed()
    {
        var e = Assert.Throws<DataFrameException>(() => SparkConnectOptions.Parse("sc://spark.example/;token=s3cret"));
        Assert.Contains("use_ssl=true", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
        Assert.Equal("s3cret", SparkConnectOptions.Parse("sc://127.0.0.1:1/;token=s3cret").Token);
        Assert.Equal("s3cret", SparkConnectOptions.Parse("sc://spark.example/;token=s3cret;use_ssl=true").Token);
    }

    [Fact]
    public void Session_create_accepts_embedded_and_sc_strings_and_names_both_for_others()
    {
        var e = Assert.Throws<DataFrameException>(() => DataSession.Create("spark"));
        Assert.Contains("Unknown engine 'spark'", e.Message, StringComparison.Ordinal);
        Assert.Contains("sc://host:port", e.Message, StringComparison.Ordinal);
        Assert.Throws<DataFrameException>(() => DataSession.Create("sc://h:0"));
    }
}
