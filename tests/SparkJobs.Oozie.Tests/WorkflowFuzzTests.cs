using System.Xml.Linq;
using SparkJobs.Oozie.Engine;

namespace SparkJobs.Oozie.Tests;

/// <summary>Mutates valid workflows at random: every rejection must carry a code and a position.</summary>
public sealed class WorkflowFuzzTests
{
    private const int Iterations = 3000;

    private static readonly string[] Seeds = [.. Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "Conformance", "cases"), "*.xml")
        .Where(f => Path.GetFileName(f).StartsWith("ok-", StringComparison.Ordinal)
            || Path.GetFileName(f).StartsWith("el-", StringComparison.Ordinal)
            || Path.GetFileName(f).StartsWith("rerun-", StringComparison.Ordinal))
        .Select(File.ReadAllText)];

    [Fact]
    public void Mutated_workflows_are_rejected_with_a_code_and_a_line_never_with_an_exception()
    {
        var random = new Random(20261204);
        var rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var seed = Seeds[random.Next(Seeds.Length)];
            var text = Mutate(seed, random);
            var (app, errors) = WorkflowLoader.Check(text, "fuzz.xml");
            foreach (var error in errors)
            {
                Assert.False(string.IsNullOrEmpty(error.Code), $"case {i}: no code in {error}\n{text}");
                Assert.True(error.Location.Line > 0, $"case {i}: no line in {error}\n{text}");
            }

            if (errors.Any(e => !e.IsWarning))
            {
                rejected++;
            }
            else
            {
                Assert.NotNull(app);
            }
        }

        // The mutations are mostly harmful; a fuzzer that rejects nothing is not reaching the checks.
        Assert.InRange(rejected, Iterations / 4, Iterations);
    }

    private static string Mutate(string text, Random random)
    {
        var rounds = random.Next(1, 4);
        for (var r = 0; r < rounds; r++)
        {
            text = random.Next(8) switch
            {
                0 => text[..random.Next(text.Length)],
                1 => Inject(text, random),
                _ => MutateTree(text, random),
            };
        }

        return text;
    }

    private static string Inject(string text, Random random)
    {
        var junk = new[] { "<", ">", "&", "\"", "${", "}", "\0", "\u00e9", "<x>", "]]>", "<!--", "\uFFFE" };
        var at = random.Next(text.Length);
        return text[..at] + junk[random.Next(junk.Length)] + text[at..];
    }

    private static string MutateTree(string text, Random random)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(text, LoadOptions.SetLineInfo);
        }
        catch (System.Xml.XmlException)
        {
            return text;
        }

        var elements = doc.Descendants().ToList();
        var target = elements[random.Next(elements.Count)];
        var other = elements[random.Next(elements.Count)];
        switch (random.Next(7))
        {
            case 0 when target.Parent is not null:
                target.Remove();
                break;
            case 1 when target.Parent is not null:
                target.AddAfterSelf(new XElement(target));
                break;
            case 2 when target.Parent is not null && other.Parent is not null && !target.Ancestors().Contains(other)
                && !other.Ancestors().Contains(target) && target != other:
                var copy = new XElement(target);
                target.ReplaceWith(new XElement(other));
                other.ReplaceWith(copy);
                break;
            case 3 when Plain(target).Count > 0:
                var attributes = Plain(target);
                attributes[random.Next(attributes.Count)].Remove();
                break;
            case 4 when Plain(target).Count > 0:
                var plain = Plain(target);
                plain[random.Next(plain.Count)].Value = Pick(random, doc);
                break;
            case 5:
                target.Name = target.Name.Namespace + new[] { "action", "fork", "join", "bogus", "ok" }[random.Next(5)];
                break;
            default:
                foreach (var to in doc.Descendants().Attributes("to").Where(_ => random.Next(3) == 0))
                {
                    to.Value = Pick(random, doc);
                }

                break;
        }

        return doc.ToString();
    }

    private static List<XAttribute> Plain(XElement element) =>
        [.. element.Attributes().Where(a => !a.IsNamespaceDeclaration)];

    // A transition target: usually an existing node name, sometimes a missing or an invalid one.
    private static string Pick(Random random, XDocument doc)
    {
        var names = doc.Descendants().Attributes("name").Select(a => a.Value).Append("missing").Append("9bad")
            .Append(string.Empty).ToList();
        return names[random.Next(names.Count)];
    }
}
