using System.Globalization;
using SparkJobs.Hosting;
using SparkJobs.Oozie.Server;

namespace SparkJobs.Cli;

/// <summary><c>oozie-lite server</c>: the Web Services API and coordinator scheduler; -once runs one pass.</summary>
internal sealed class ServerCli(TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    /// <summary>Parses the raw arguments, since <c>-app-root</c> may repeat.</summary>
    public static OozieServerOptions Options(IReadOnlyList<string> args, TextWriter? progress)
    {
        var roots = new List<string>();
        var port = 11000;
        var bind = "127.0.0.1";
        string? credential = Environment.GetEnvironmentVariable(OozieServerOptions.TokenVariable);
        for (var i = 1; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "-port":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        throw new UsageException($"-port {text} is not a TCP port; pass 1-65535, or 0 for a free one.");
                    }

                    break;
                case "-bind": bind = Value(); break;
                case "-app-root": roots.Add(Path.GetFullPath(Value())); break;
                case "-credential-file": credential = OozieServerOptions.ReadCredentialFile(Value()); break;
                case "-once": break;
                default:
                    throw new UsageException($"server does not take '{args[i]}'; use -port N, -bind ADDR, "
                        + "-app-root DIR (repeatable), -credential-file FILE, -once.");
            }
        }

        return new OozieServerOptions
        {
            Port = port,
            Bind = bind,
            AppRoots = roots.Count > 0 ? roots : [Directory.GetCurrentDirectory()],
            Credential = string.IsNullOrWhiteSpace(credential) ? null : credential.Trim(),
            Progress = progress,
        };
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Contains("-once"))
        {
            return await new CoordinatorCli(stdout, stderr, time).ServerAsync(true, TimeSpan.FromSeconds(10),
                CancellationToken.None);
        }

        var options = Options(args, stderr);
        OozieServer server;
        try
        {
            server = await OozieServer.StartAsync(options, CancellationToken.None);
        }
        catch (OozieServerConfigurationException e)
        {
            throw new UsageException(e.Message);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot listen on {options.Bind}:{options.Port} ({e.Message}); "
                + "pick another -port.");
        }

        await using (server)
        {
            stdout.WriteLine($"Oozie server listening on {server.BaseUri}");
            stdout.WriteLine($"Application roots: {string.Join(", ", options.AppRoots)}");
            foreach (var missing in options.AppRoots.Where(r => Path.IsPathRooted(r) && !Directory.Exists(r)))
            {
                stderr.WriteLine($"Warning: -app-root {missing} does not exist (yet); applications under it are " +
                    "refused until it does.");
            }

            stdout.Flush();
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
                {
                    c.Cancel = true;
                    stop.Cancel();
                });
            try
            {
                // The server runs the coordinator scheduler itself; this waits for Ctrl-C or SIGTERM.
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                stdout.WriteLine("Stopping; waiting for the workflows coordinators started to finish.");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        return ExitCodes.Success;
    }
}
