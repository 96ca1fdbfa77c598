using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace SparkJobs.Bench;

/// <summary>
/// Starts <c>oozie-lite server</c> as its own process on loopback, keeps a few sleeping jobs running, and
/// measures <c>GET /v2/job/{id}?show=info</c> under bounded concurrency beside <c>GET /versions</c>.
/// </summary>
internal sealed class ServerLoadBenchmark : IBenchmark
{
    private const int Requests = 20_000;
    private const int BaselineRequests = 5_000;
    private const int Concurrency = 16;
    private const int Jobs = 4;

    /// <inheritdoc />
    public string Name => "server-load";

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var apps = Path.Combine(context.ScratchDirectory, "apps");
        WriteSleepingApp(Path.Combine(apps, "sleeper"));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(5));
        using var server = StartServer(apps, Path.Combine(context.ScratchDirectory, "store"));
        try
        {
            var baseUri = await ReadBaseUriAsync(server, limit.Token);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency });
            var ids = new List<string>();
            for (var i = 0; i < Jobs; i++)
            {
                ids.Add(await SubmitAsync(http, baseUri, Path.Combine(apps, "sleeper"), limit.Token));
            }

            var baseline = await LoadAsync(http, BaselineRequests, _ => $"{baseUri}/versions", limit.Token);
            var info = await LoadAsync(http, Requests, i => $"{baseUri}/v2/job/{ids[i % ids.Count]}?show=info",
                limit.Token);
            foreach (var id in ids)
            {
                using var kill = await http.PutAsync(new Uri($"{baseUri}/v2/job/{id}?action=kill"), null, limit.Token);
            }

            return
            [
                new("show=info requests", Requests, "requests"),
                new("show=info throughput", info.Throughput, "req/s"),
                new("show=info p50", info.P50, "ms"),
                new("show=info p99", info.P99, "ms"),
                new("/versions throughput (baseline)", baseline.Throughput, "req/s"),
                new("/versions p50 (baseline)", baseline.P50, "ms"),
                new("info vs baseline throughput", info.Throughput / baseline.Throughput, "x"),
            ];
        }
        finally
        {
            // The sleeping shell actions are the server's children; take them down with it.
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static void WriteSleepingApp(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "workflow.xml"), """
            <workflow-app xmlns="uri:oozie:workflow:1.0" name="sleeper">
              <start to="nap"/>
              <action name="nap">
                <shell xmlns="uri:oozie:shell-action:1.0">
                  <exec>/bin/sh</exec><argument>-c</argument><argument>sleep 300</argument>
                </shell>
                <ok to="end"/><error to="fail"/>
              </action>
              <kill name="fail"><message>nap failed</message></kill>
              <end name="end"/>
            </workflow-app>
            """);
    }

    private static Process StartServer(string apps, string store)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "oozie-lite.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { cli, "server", "-bind", "127.0.0.1", "-port", "0", "-app-root", apps })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["OOZIE_LITE_HOME"] = store;
        start.Environment.Remove("OOZIE_LITE_SERVER_TOKEN");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {cli}");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> ReadBaseUriAsync(Process server, CancellationToken cancellationToken)
    {
        const string Marker = "listening on ";
        while (await server.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                return line[(at + Marker.Length)..].Trim().TrimEnd('/');
            }
        }

        throw new InvalidOperationException($"oozie-lite server exited with {server.ExitCode} before listening.");
    }

    private static async Task<string> SubmitAsync(HttpClient http, string baseUri, string app,
        CancellationToken cancellationToken)
    {
        var xml = "<configuration><property><name>oozie.wf.application.path</name>"
            + $"<value>{WebUtility.HtmlEncode(app)}</value></property></configuration>";
        using var content = new StringContent(xml, Encoding.UTF8, "application/xml");
        using var reply = await http.PostAsync(new Uri($"{baseUri}/v2/jobs?action=start"), content, cancellationToken);
        reply.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await reply.Content.ReadAsStringAsync(cancellationToken));
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<(double Throughput, double P50, double P99)> LoadAsync(
        HttpClient http, int count, Func<int, string> uri, CancellationToken cancellationToken)
    {
        var latencies = new double[count];
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                using var reply = await http.GetAsync(new Uri(uri(i)), token);
                await reply.Content.ReadAsByteArrayAsync(token);
                reply.EnsureSuccessStatusCode();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });
        watch.Stop();
        Array.Sort(latencies);
        return (count / watch.Elapsed.TotalSeconds, latencies[count / 2], latencies[(int)(count * 0.99)]);
    }
}
