// The build of SparkJobs. Targets:
//   Build     compile everything; put the oozie-lite launcher at artifacts/bin/oozie-lite
//   Test      Package, then run every test project; print "N passed, N failed, N skipped"
//   Package   publish the jobs and assemble the workflow application under artifacts/apps/
//   Pipeline  install the data set if missing, Package, run workflows/fashion-mnist with oozie-lite
//   Bench     run the benchmarks of bench/ and write artifacts/bench/results.json
//   Deploy    upload a packaged application to HDFS: --hdfs-path=hdfs://nn:8020/user/me/sparkjobs/apps/fashion-mnist
//             [--app-dir=artifacts/apps/fashion-mnist]; --define=KEY=VALUE become Hadoop properties (user.name,
//             webhdfs.address.<authority>=http://host:port); $HADOOP_CONF_DIR is read when set
// Options: --configuration=Release|Debug, --define=KEY=VALUE (repeatable, passed to the Pipeline run as -D).

using System.Text.RegularExpressions;
using System.Xml.Linq;

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");
var defines = Arguments<string>("define", Array.Empty<string>());
var root = MakeAbsolute(Directory("."));
var artifacts = root.Combine("artifacts");
var datasetDir = "/usr/share/datasets/fashion-mnist";

// The published jobs, each shipped in the workflow application's lib/ as one archive. Train and
// Evaluate share an archive because both carry libtorch, by far the largest part of either.
var bundles = new[]
{
    (Archive: "ingest", Projects: new[] { "jobs/Ingest/Ingest.csproj" }),
    (Archive: "preprocess", Projects: new[] { "jobs/Preprocess/Preprocess.csproj" }),
    (Archive: "training", Projects: new[] { "jobs/Train/Train.csproj", "jobs/Evaluate/Evaluate.csproj" }),
    (Archive: "publish", Projects: new[] { "jobs/Publish/Publish.csproj" }),
};

int Run(string tool, string arguments, bool check = true)
{
    var exit = StartProcess(tool, new ProcessSettings { Arguments = arguments, WorkingDirectory = root });
    if (check && exit != 0)
    {
        throw new CakeException($"{tool} {arguments} exited with {exit}");
    }

    return exit;
}

string Capture(string tool, string arguments)
{
    IEnumerable<string> output;
    var exit = StartProcess(tool, new ProcessSettings
    {
        Arguments = arguments, WorkingDirectory = root, RedirectStandardOutput = true,
    }, out output);
    if (exit != 0)
    {
        throw new CakeException($"{tool} {arguments} exited with {exit}");
    }

    return string.Join("\n", output);
}

Task("Clean").Does(() =>
{
    CleanDirectory(artifacts);
});

Task("Build").Does(() =>
{
    DotNetBuild("SparkJobs.sln", new DotNetBuildSettings { Configuration = configuration });

    // The submitter: a framework-dependent publish plus a launcher script at a fixed path.
    var cliDir = artifacts.Combine("oozie-lite");
    DotNetPublish("src/SparkJobs.Cli/SparkJobs.Cli.csproj", new DotNetPublishSettings
    {
        Configuration = configuration, OutputDirectory = cliDir, NoBuild = false,
    });
    var bin = artifacts.Combine("bin");
    EnsureDirectoryExists(bin);
    var launcher = bin.CombineWithFilePath("oozie-lite").FullPath;
    System.IO.File.WriteAllText(launcher,
        "#!/bin/sh\n"
        + "# oozie-lite: the SparkJobs Oozie-compatible workflow engine and submitter.\n"
        + "here=$(dirname \"$(readlink -f \"$0\")\")\n"
        + "exec dotnet \"$here/../oozie-lite/oozie-lite.dll\" \"$@\"\n");
    Run("chmod", $"+x \"{launcher}\"");
    Information($"oozie-lite: {launcher}");
});

Task("Package").IsDependentOn("Build").Does(() =>
{
    var app = artifacts.Combine("apps/fashion-mnist");
    CleanDirectory(app);
    EnsureDirectoryExists(app.Combine("lib"));
    CopyFiles("workflows/fashion-mnist/*.xml", app);
    foreach (var bundle in bundles)
    {
        var publishDir = artifacts.Combine("publish").Combine(bundle.Archive);
        CleanDirectory(publishDir);
        foreach (var project in bundle.Projects)
        {
            // Self-contained for linux-x64: cluster nodes need no .NET runtime, and only that
            // platform's native libraries are shipped. Jobs that share an archive share the runtime.
            DotNetPublish(project, new DotNetPublishSettings
            {
                Configuration = configuration, OutputDirectory = publishDir,
                Runtime = "linux-x64", SelfContained = true,
            });
        }

        // A reproducible archive: sorted names, fixed owner and time, no gzip timestamp, so the same
        // build gives the same bytes locally and on the cluster.
        var archive = app.Combine("lib").CombineWithFilePath(bundle.Archive + ".tgz").FullPath;
        Run("bash", "-c \"set -o pipefail; tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner "
            + $"-C '{publishDir}' -cf - . | gzip -1 -n > '{archive}'\"");
        Information($"{bundle.Archive}.tgz: {new System.IO.FileInfo(archive).Length / 1e6:0.0} MB");
    }

    Information($"workflow application: {app}");
});

Task("Test").IsDependentOn("Package").Does(() =>
{
    var results = artifacts.Combine("test-results");
    CleanDirectory(results);
    var failedRun = false;
    try
    {
        DotNetTest("SparkJobs.sln", new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            ResultsDirectory = results,
            Loggers = new[] { "trx", "console;verbosity=normal" },
            EnvironmentVariables = new Dictionary<string, string>
            {
                ["SPARKJOBS_ARTIFACTS"] = artifacts.FullPath,
            },
        });
    }
    catch (CakeException)
    {
        failedRun = true;
    }

    int passed = 0, failed = 0, skipped = 0;
    foreach (var trx in GetFiles(results.FullPath + "/**/*.trx"))
    {
        var counters = XDocument.Load(trx.FullPath).Descendants().First(e => e.Name.LocalName == "Counters");
        passed += (int)counters.Attribute("passed");
        failed += (int)counters.Attribute("failed") + (int)counters.Attribute("error") + (int)counters.Attribute("timeout");
        skipped += (int)counters.Attribute("notExecuted");
    }

    var summary = $"{passed} passed, {failed} failed, {skipped} skipped";
    System.IO.File.WriteAllText(results.CombineWithFilePath("summary.txt").FullPath, summary + "\n");
    Information(summary);
    if (failedRun || failed > 0 || passed == 0)
    {
        throw new CakeException($"tests failed: {summary}");
    }
});

Task("Dataset").Does(() =>
{
    if (System.IO.File.Exists($"{datasetDir}/train-images-idx3-ubyte.gz"))
    {
        return;
    }

    Information("Installing the Debian package dataset-fashion-mnist ...");
    var sudo = Capture("id", "-u").Trim() == "0" ? "" : "sudo ";
    Run("bash", $"-c \"{sudo}apt-get install -y dataset-fashion-mnist || ({sudo}apt-get update && {sudo}apt-get install -y dataset-fashion-mnist)\"");
});

Task("Pipeline").IsDependentOn("Dataset").IsDependentOn("Package").Does(() =>
{
    var oozie = artifacts.CombineWithFilePath("bin/oozie-lite").FullPath;
    var args = "job -run -config workflows/fashion-mnist/job.properties"
        + string.Concat(defines.Select(d => $" -D \"{d}\""));
    IEnumerable<string> output;
    var exit = StartProcess(oozie, new ProcessSettings
    {
        Arguments = args, WorkingDirectory = root, RedirectStandardOutput = true,
        RedirectedStandardOutputHandler = line => { if (line != null) Console.WriteLine(line); return line; },
    }, out output);
    var id = output.Select(l => Regex.Match(l ?? "", @"^job: (\S+)")).FirstOrDefault(m => m.Success)?.Groups[1].Value;
    if (id == null)
    {
        throw new CakeException($"oozie-lite did not start a job (exit {exit}).");
    }

    Run(oozie, $"job -info {id}", check: false);
    var status = Capture(oozie, $"job -info {id}").Split('\n')
        .Select(l => Regex.Match(l, @"^Status\s*:\s*(\S+)")).First(m => m.Success).Groups[1].Value;
    Information($"job {id}: {status}");
    var registry = artifacts.Combine("models/fashion-mnist");
    var pointer = registry.CombineWithFilePath("current").FullPath;
    if (status == "SUCCEEDED" && System.IO.File.Exists(pointer))
    {
        var version = System.IO.File.ReadAllText(pointer).Trim();
        var metrics = System.IO.File.ReadAllText(registry.Combine(version).CombineWithFilePath("metrics.json").FullPath);
        var accuracy = Regex.Match(metrics, "\"accuracy\"\\s*:\\s*([0-9.Ee+-]+)").Groups[1].Value;
        Information($"test accuracy: {accuracy}");
        Information($"published: {registry.Combine(version)} (current -> {version})");
    }

    if (exit != 0 || status != "SUCCEEDED")
    {
        throw new CakeException($"the workflow ended {status}; see oozie-lite job -log {id}");
    }
});

Task("Bench").IsDependentOn("Build").Does(() =>
{
    var bench = artifacts.Combine("bench");
    EnsureDirectoryExists(bench);
    Run("dotnet", $"bench/SparkJobs.Bench/bin/{configuration}/net10.0/sparkjobs-bench.dll --dataset {datasetDir} "
        + $"--scratch {bench.Combine("scratch")} --json {bench.CombineWithFilePath("results.json")}");
});

Task("Deploy").Does(() =>
{
    var appDir = MakeAbsolute(Directory(Argument("app-dir", "artifacts/apps/fashion-mnist")));
    var hdfsPath = Argument("hdfs-path", "");
    if (hdfsPath.Length == 0)
    {
        throw new CakeException("--hdfs-path is required, for example "
            + "--hdfs-path=hdfs://namenode:8020/user/$USER/sparkjobs/apps/fashion-mnist");
    }

    if (!DirectoryExists(appDir))
    {
        throw new CakeException($"{appDir} does not exist; run ./build.sh --target=Package first.");
    }

    DotNetBuild("src/SparkJobs.Deploy/SparkJobs.Deploy.csproj", new DotNetBuildSettings { Configuration = configuration });
    Run("dotnet", $"src/SparkJobs.Deploy/bin/{configuration}/net10.0/sparkjobs-deploy.dll \"{appDir}\" \"{hdfsPath}\""
        + string.Concat(defines.Select(d => $" -D \"{d}\"")));
});

RunTarget(target);
