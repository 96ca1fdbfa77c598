using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SparkJobs.Oozie.Server.Tests;

/// <summary>
/// An Oozie server written from the Web Services notes in reference/oozie.md section E, not from our client:
/// one canned workflow job, RFC-822 GMT dates, error headers with 400/404, and an optional v1-only mode.
/// </summary>
internal sealed class FakeOozieServer : IAsyncDisposable
{
    public const string JobId = "0000007-200101000000000-oozie-oozi-W";
    private readonly WebApplication _app;

    private FakeOozieServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Bodies { get; } = new();

    public ConcurrentQueue<string> Headers { get; } = new();

    public static async Task<FakeOozieServer> StartAsync(bool v1Only)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeOozieServer? self = null;
        app.Use(async (c, next) =>
        {
            self!.Requests.Enqueue($"{c.Request.Method} {c.Request.Path}{c.Request.QueryString}");
            if (c.Request.Headers.TryGetValue("X-Trace", out var trace))
            {
                self.Headers.Enqueue(trace.ToString());
            }

            await next(c);
        });
        app.MapGet("/oozie/versions", () => Results.Text(v1Only ? "[0,1]" : "[0,1,2]", "application/json"));
        var api = v1Only ? "/oozie/v1" : "/oozie/v2";
        app.MapGet(api + "/admin/status", () => Results.Text("{\"systemMode\":\"NORMAL\"}", "application/json"));
        app.MapPost(api + "/jobs", async (HttpContext c) =>
        {
            using var reader = new StreamReader(c.Request.Body);
            self!.Bodies.Enqueue(await reader.ReadToEndAsync());
            c.Response.StatusCode = 201;
            await c.Response.WriteAsJsonAsync(new { id = JobId });
        });
        app.MapGet(api + "/job/{id}", async (HttpContext c, string id) =>
        {
            if (id != JobId)
            {
                c.Response.StatusCode = 404;
                c.Response.Headers["oozie-error-code"] = "E0604";
                c.Response.Headers["oozie-error-message"] = $"E0604: Job does not exist [{id}]";
                return;
            }

            var show = c.Request.Query["show"].ToString();
            if (show == "log")
            {
                await c.Response.WriteAsync("2020-01-01 00:00:00,000 INFO ActionStartXCommand - started\n");
                return;
            }

            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(CannedJob);
        });
        app.MapPut(api + "/job/{id}", (HttpContext c, string id) =>
        {
            if (c.Request.Query["action"] == "suspend")
            {
                c.Response.StatusCode = 400;
                c.Response.Headers["oozie-error-code"] = "E0727";
                c.Response.Headers["oozie-error-message"] = $"E0727: Cannot suspend job [{id}] in state SUCCEEDED";
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        self = new FakeOozieServer(app, address + "/oozie");
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private const string CannedJob = $$"""
        {"appPath":"hdfs://nn:8020/user/oozi/apps/train","appName":"train-wf","id":"{{JobId}}",
         "externalId":null,"parentId":null,"conf":"<configuration></configuration>","status":"SUCCEEDED",
         "lastModTime":"Wed, 01 Jan 2020 00:05:00 GMT","createdTime":"Wed, 01 Jan 2020 00:00:00 GMT",
         "startTime":"Wed, 01 Jan 2020 00:00:01 GMT","endTime":"Wed, 01 Jan 2020 00:05:00 GMT","user":"oozi",
         "group":null,"acl":null,"run":0,"consoleUrl":"http://nn:11000/oozie?job={{JobId}}","toString":"x",
         "actions":[{"id":"{{JobId}}@train","name":"train","cred":"null","type":"spark","conf":null,
           "status":"OK","retries":0,"startTime":"Wed, 01 Jan 2020 00:00:02 GMT",
           "endTime":"Wed, 01 Jan 2020 00:04:59 GMT","transition":"end","data":null,"stats":null,
           "externalChildIDs":"job_1577836800000_0002","externalId":"job_1577836800000_0001",
           "externalStatus":"SUCCEEDED","trackerUri":"rm:8032","consoleUrl":"http://rm:8088/x",
           "errorCode":null,"errorMessage":null,"toString":"y","userRetryInterval":10,"userRetryCount":0,
           "userRetryMax":0}]}
        """;
}
