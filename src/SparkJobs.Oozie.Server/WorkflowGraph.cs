using System.Globalization;
using System.Net;
using System.Text;
using SparkJobs.Oozie.Model;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server;

/// <summary>
/// Draws a workflow job's graph for <c>show=graph</c>: nodes coloured by their latest status, as DOT text or
/// as an SVG image laid out in rows (each node one row below the furthest node that leads to it).
/// </summary>
internal sealed class WorkflowGraph
{
    private const int NodeWidth = 150;
    private const int NodeHeight = 44;
    private const int ColumnGap = 30;
    private const int RowGap = 56;
    private const int Margin = 20;

    private readonly string _name;
    private readonly List<WorkflowNode> _nodes;
    private readonly Dictionary<string, ActionStatus> _statuses;

    /// <summary>Initializes a new instance of the <see cref="WorkflowGraph"/> class.</summary>
    /// <param name="name">The job's application name.</param>
    /// <param name="app">The parsed workflow, or null when the stored definition no longer parses.</param>
    /// <param name="actions">The job's actions.</param>
    /// <param name="showKill">Whether kill nodes are drawn; Oozie leaves them out unless asked.</param>
    public WorkflowGraph(string name, WorkflowApp? app, IReadOnlyList<WorkflowActionRecord> actions, bool showKill)
    {
        _name = name;
        _nodes = [.. (app?.Nodes ?? []).Where(n => showKill || n is not KillNode)];
        _statuses = actions.GroupBy(a => a.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Status, StringComparer.Ordinal);
    }

    private IEnumerable<(WorkflowNode From, Transition Edge)> Edges()
    {
        var names = _nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        return _nodes.SelectMany(n => n.Transitions.Where(t => names.Contains(t.To)).Select(t => (n, t)));
    }

    private (string Fill, string Stroke) Colour(WorkflowNode node) => _statuses.GetValueOrDefault(node.Name) switch
    {
        ActionStatus.OK => ("#c8e6c9", "#2e7d32"),
        ActionStatus.ERROR or ActionStatus.FAILED or ActionStatus.KILLED => ("#ffcdd2", "#c62828"),
        ActionStatus.RUNNING or ActionStatus.USER_RETRY => ("#fff9c4", "#f9a825"),
        _ => _statuses.ContainsKey(node.Name) ? ("#e0e0e0", "#616161") : ("#ffffff", "#9e9e9e"),
    };

    /// <summary>Writes the graph in Graphviz DOT.</summary>
    /// <returns>The DOT text.</returns>
    public string ToDot()
    {
        var dot = new StringBuilder();
        dot.Append(CultureInfo.InvariantCulture, $"digraph \"{DotEscape(_name)}\" {{\n");
        foreach (var node in _nodes)
        {
            dot.Append(CultureInfo.InvariantCulture,
                $"  \"{DotEscape(node.Name)}\" [label=\"{DotEscape(node.Name)}\\n{node.TypeName}\", style=filled, "
                + $"fillcolor=\"{Colour(node).Fill}\"];\n");
        }

        foreach (var (from, edge) in Edges())
        {
            dot.Append(CultureInfo.InvariantCulture,
                $"  \"{DotEscape(from.Name)}\" -> \"{DotEscape(edge.To)}\" [label=\"{edge.Kind}\"];\n");
        }

        return dot.Append("}\n").ToString();
    }

    /// <summary>Writes the graph as a standalone SVG image.</summary>
    /// <returns>The SVG document.</returns>
    public string ToSvg()
    {
        var rows = Rows();
        var width = Margin * 2 + Math.Max(1, rows.Values.GroupBy(r => r.Row).Select(g => g.Count()).DefaultIfEmpty(1)
            .Max()) * (NodeWidth + ColumnGap) - ColumnGap;
        var height = Margin * 2 + (rows.Values.Select(r => r.Row).DefaultIfEmpty(0).Max() + 1) * (NodeHeight + RowGap)
            - RowGap;
        var position = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        foreach (var row in rows.GroupBy(r => r.Value.Row))
        {
            var members = row.OrderBy(r => r.Value.Order).ToList();
            var rowWidth = members.Count * (NodeWidth + ColumnGap) - ColumnGap;
            var left = (width - rowWidth) / 2.0;
            for (var i = 0; i < members.Count; i++)
            {
                position[members[i].Key] = (left + i * (NodeWidth + ColumnGap), Margin + row.Key * (NodeHeight + RowGap));
            }
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" ");
        svg.Append(CultureInfo.InvariantCulture,
            $"viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Xml(_name)}</title>\n");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" ")
            .Append("markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");
        foreach (var (from, edge) in Edges())
        {
            var (x1, y1) = position[from.Name];
            var (x2, y2) = position[edge.To];
            var dash = edge.Kind == TransitionKind.Error ? " stroke-dasharray=\"5,3\"" : string.Empty;
            var colour = edge.Kind == TransitionKind.Error ? "#c62828" : "#555";
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{x1 + NodeWidth / 2.0}\" y1=\"{y1 + NodeHeight}\" x2=\"{x2 + NodeWidth / 2.0}\" " +
                $"y2=\"{y2}\" stroke=\"{colour}\"{dash} marker-end=\"url(#arrow)\"><title>{Xml(from.Name)} " +
                $"{edge.Kind.ToString().ToLowerInvariant()} {Xml(edge.To)}</title></line>\n");
        }

        foreach (var node in _nodes)
        {
            var (x, y) = position[node.Name];
            var (fill, stroke) = Colour(node);
            var status = _statuses.TryGetValue(node.Name, out var s) ? s.ToString() : "not reached";
            svg.Append(CultureInfo.InvariantCulture,
                $"<g id=\"{Xml(node.Name)}\"><title>{Xml(node.Name)}: {status}</title>" +
                $"<rect x=\"{x}\" y=\"{y}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"6\" fill=\"{fill}\" " +
                $"stroke=\"{stroke}\"/>" +
                $"<text x=\"{x + NodeWidth / 2.0}\" y=\"{y + 18}\" text-anchor=\"middle\">{Xml(Shorten(node.Name))}</text>" +
                $"<text x=\"{x + NodeWidth / 2.0}\" y=\"{y + 34}\" text-anchor=\"middle\" fill=\"#555\">" +
                $"{Xml(node.TypeName)}</text></g>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    // Each node sits one row below the furthest of its predecessors; a workflow graph has no cycles
    // (the validator rejects them), and nodes that no path reaches go below everything else.
    private Dictionary<string, (int Row, int Order)> Rows()
    {
        var byName = _nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var incoming = _nodes.ToDictionary(n => n.Name, _ => 0, StringComparer.Ordinal);
        foreach (var (_, edge) in Edges())
        {
            incoming[edge.To]++;
        }

        var row = new Dictionary<string, int>(StringComparer.Ordinal);
        var ready = new Queue<string>(_nodes.Where(n => n is StartNode).Select(n => n.Name));
        foreach (var start in ready)
        {
            row[start] = 0;
        }

        while (ready.TryDequeue(out var name))
        {
            foreach (var edge in byName[name].Transitions.Where(t => byName.ContainsKey(t.To)))
            {
                row[edge.To] = Math.Max(row.GetValueOrDefault(edge.To), row[name] + 1);
                if (--incoming[edge.To] == 0)
                {
                    ready.Enqueue(edge.To);
                }
            }
        }

        var bottom = row.Values.DefaultIfEmpty(-1).Max() + 1;
        var order = 0;
        return _nodes.ToDictionary(
            n => n.Name,
            n => (row.TryGetValue(n.Name, out var r) && incoming[n.Name] == 0 ? r : bottom, order++),
            StringComparer.Ordinal);
    }

    private static string Shorten(string text) => text.Length <= 22 ? text : text[..21] + "…";

    private static string Xml(string text) => WebUtility.HtmlEncode(text);

    private static string DotEscape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
