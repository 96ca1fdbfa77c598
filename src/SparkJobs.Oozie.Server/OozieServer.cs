using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SparkJobs.Oozie.Engine;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Server;

/// <summary>
/// An Oozie Web Services API (v1 and v2) server over the oozie-lite engine and job store, with the coordinator
/// and bundle scheduler.
/// </summary>
public sealed class OozieServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly JobRunner _runner;
    private readonly CoordinatorScheduler _scheduler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _recovery;

    private OozieServer(WebApplication app, JobRunner runner, CoordinatorScheduler scheduler, Uri baseUri,
        OozieServerOptions options)
    {
        _app = app;
        _runner = runner;
        _scheduler = scheduler;
        BaseUri = baseUri;
        _recovery = RecoverPeriodicallyAsync(options.RecoveryInterval, options.Time, _stopping.Token);
    }

    /// <summary>Gets the base URL, ending in <c>/oozie</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Starts a server; returns once it is listening.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="OozieServerConfigurationException">The options are unsafe or invalid.</exception>
    public static async Task<OozieServer> StartAsync(OozieServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = options.Validate();
        var store = JobStore.Open(options.StoreHome, options.Time);
        var engine = new WorkflowEngine(store, options.Time, new EngineOptions { Progress = options.Progress });
        var runner = new JobRunner(store, engine, options.Progress);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, options.Port));
        var app = builder.Build();
        var api = new OozieApi(runner, options);
        var scheduler = api.Scheduler;
        app.Use(async (context, next) =>
        {
            if (!Authorized(context.Request, options.Credential))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"oozie-lite\"";
                await OozieApi.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "E0000",
                    "Authentication required; send 'Authorization: Bearer <token>' or Basic with the token as "
                    + "the password.");
                return;
            }

            await next(context);
        });
        api.Map(app);
        await app.StartAsync(cancellationToken);

        // Jobs whose oozie-lite process died before this server started are finished here; the store's claim
        // keeps another recovering process from running them too.
        runner.RecoverInterrupted();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        var port = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]" : address.ToString();
        if (IPAddress.Any.Equals(address))
        {
            host = "127.0.0.1";
        }

        scheduler.Start(options.SchedulerInterval, options.Time);
        return new OozieServer(app, runner, scheduler, new Uri($"http://{host}:{port}/oozie"), options);
    }

    // A job whose oozie-lite process dies while this server runs is taken over at the next scan.
    private async Task RecoverPeriodicallyAsync(TimeSpan interval, TimeProvider time, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                _runner.RecoverInterrupted();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The server is stopping.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _recovery;
        _stopping.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _scheduler.DisposeAsync();
        await _runner.DisposeAsync();
    }

    private static bool Authorized(HttpRequest request, string? credential)
    {
        if (string.IsNullOrEmpty(credential))
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        string? presented = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                presented = pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..];
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return presented is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(credential));
    }
}
