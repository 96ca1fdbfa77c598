using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace SparkJobs.Storage.WebHdfs;

/// <summary>
/// The client side of a Hadoop configuration: properties from <c>core-site.xml</c> and
/// <c>hdfs-site.xml</c> in <c>$HADOOP_CONF_DIR</c>, then explicit overrides, and how they map an
/// <c>hdfs://</c> or <c>webhdfs://</c> path to the NameNode's HTTP address.
/// </summary>
/// <remarks>
/// Address resolution for <c>hdfs://authority/path</c>, first match wins:
/// <list type="number">
/// <item><c>webhdfs.address.&lt;authority&gt;=http://host:port</c> (an explicit map; also applied to the
/// DataNode addresses in the NameNode's redirects, for clusters whose host names the client cannot resolve);</item>
/// <item>an empty authority (<c>hdfs:///x</c>) takes the one of <c>fs.defaultFS</c>;</item>
/// <item>a host listed in <c>dfs.nameservices</c> uses <c>dfs.namenode.http-address.&lt;ns&gt;</c>, or for
/// HA the first NameNode of <c>dfs.ha.namenodes.&lt;ns&gt;</c> (no failover: map the active one explicitly);</item>
/// <item><c>dfs.namenode.http-address</c> when the host is the one of <c>fs.defaultFS</c>
/// (a wildcard host such as <c>0.0.0.0</c> is replaced by the path's host);</item>
/// <item>otherwise the path's host on port 9870 (Hadoop 3's default NameNode HTTP port).</item>
/// </list>
/// <c>dfs.http.policy=HTTPS_ONLY</c> switches steps 3 to 5 to https and <c>dfs.namenode.https-address</c>
/// (default port 9871). <c>webhdfs://host:port</c> talks to <c>http://host:port</c> and <c>swebhdfs://</c> to
/// https, after the explicit map. The user is <c>user.name</c>, else <c>$HADOOP_USER_NAME</c>, else inside a
/// YARN container the submitter YARN names in <c>$USER</c>, else the OS user.
/// </remarks>
public sealed partial class HadoopConfiguration
{
    /// <summary>The environment variable naming the directory with the site files.</summary>
    public const string ConfDirVariable = "HADOOP_CONF_DIR";

    /// <summary>The environment variable Hadoop clients read for the simple-authentication user.</summary>
    public const string UserNameVariable = "HADOOP_USER_NAME";

    /// <summary>The prefix of the explicit authority-to-HTTP-address map.</summary>
    public const string AddressPrefix = "webhdfs.address.";

    /// <summary>Hadoop 3's default NameNode HTTP port (<c>dfs.namenode.http-address</c>).</summary>
    public const int DefaultHttpPort = 9870;

    /// <summary>Hadoop 3's default NameNode HTTPS port (<c>dfs.namenode.https-address</c>).</summary>
    public const int DefaultHttpsPort = 9871;

    private static readonly string[] SiteFiles = ["core-site.xml", "hdfs-site.xml"];

    private readonly Dictionary<string, string> _properties;
    private readonly string? _environmentUser;

    private HadoopConfiguration(
        Dictionary<string, string> properties, IReadOnlyList<string> sources, string? environmentUser)
    {
        _properties = properties;
        Sources = sources;
        _environmentUser = environmentUser;
    }

    /// <summary>Gets a configuration with no properties: every hdfs:// host on port 9870.</summary>
    public static HadoopConfiguration Empty { get; } = new(new(StringComparer.Ordinal), [], null);

    /// <summary>Gets the site files that were read, in order.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Gets the user sent as WebHDFS's <c>user.name</c>.</summary>
    public string UserName =>
        Get("user.name") ?? (string.IsNullOrEmpty(_environmentUser) ? Environment.UserName : _environmentUser);

    /// <summary>Gets all properties after overrides, for diagnostics.</summary>
    public IReadOnlyDictionary<string, string> Properties => _properties;

    /// <summary>Reads the site files of a directory (default <c>$HADOOP_CONF_DIR</c>) and applies overrides.</summary>
    /// <param name="confDir">The directory with <c>core-site.xml</c> and <c>hdfs-site.xml</c>; none is read when
    /// it is <see langword="null"/> and <c>$HADOOP_CONF_DIR</c> is unset.</param>
    /// <param name="overrides">Properties that win over the files, for example from <c>-D</c> options.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="StorageException">A site file is not valid XML.</exception>
    public static HadoopConfiguration Load(
        string? confDir = null, IReadOnlyDictionary<string, string>? overrides = null) =>
        Load(confDir, overrides, Environment.GetEnvironmentVariable);

    /// <summary>Makes a configuration from properties alone, reading no files and no environment.</summary>
    /// <param name="properties">The properties.</param>
    /// <returns>The configuration.</returns>
    public static HadoopConfiguration FromProperties(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return new HadoopConfiguration(new(properties, StringComparer.Ordinal), [], null);
    }

    /// <summary>Returns a property with <c>${name}</c> references to other properties expanded.</summary>
    /// <param name="name">The property name.</param>
    /// <returns>The value, or <see langword="null"/> when it is not set.</returns>
    public string? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _properties.TryGetValue(name, out var value) ? Expand(value) : null;
    }

    /// <summary>Returns the base HTTP address (scheme, host and port) of the WebHDFS server for a path.</summary>
    /// <param name="path">An <c>hdfs://</c>, <c>webhdfs://</c> or <c>swebhdfs://</c> path.</param>
    /// <returns>The address, for example <c>http://namenode:9870/</c>.</returns>
    /// <exception cref="StorageException">The path's scheme is not served by WebHDFS, or its
    /// authority cannot be resolved.</exception>
    public Uri ResolveNameNode(StoragePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var authority = path.Authority;
        if (Mapped(authority) is { } explicitAddress)
        {
            return explicitAddress;
        }

        switch (path.Scheme)
        {
            case "webhdfs":
                return Address("http", RequireHost(path, authority), DefaultHttpPort);
            case "swebhdfs":
                return Address("https", RequireHost(path, authority), DefaultHttpsPort);
            case "hdfs":
                break;
            default:
                throw new StorageException(
                    $"'{path}' is not an HDFS path; WebHDFS serves hdfs://, webhdfs:// and swebhdfs:// paths.");
        }

        var defaultFs = DefaultFileSystemAuthority();
        if (authority.Length == 0)
        {
            authority = defaultFs ?? throw new StorageException(
                $"'{path}' names no NameNode and fs.defaultFS is not an hdfs:// URI; write " +
                "hdfs://namenode:8020/path or set fs.defaultFS in core-site.xml under $HADOOP_CONF_DIR.");
            if (Mapped(authority) is { } mappedDefault)
            {
                return mappedDefault;
            }
        }

        var https = string.Equals(Get("dfs.http.policy"), "HTTPS_ONLY", StringComparison.OrdinalIgnoreCase);
        var key = https ? "dfs.namenode.https-address" : "dfs.namenode.http-address";
        var scheme = https ? "https" : "http";
        var defaultPort = https ? DefaultHttpsPort : DefaultHttpPort;
        var host = HostOf(authority);

        if (NameServiceAddress(host, key) is { } nameService)
        {
            return HttpAddress(scheme, nameService, host, defaultPort);
        }

        if (Get(key) is { Length: > 0 } configured && defaultFs is not null
            && string.Equals(HostOf(defaultFs), host, StringComparison.OrdinalIgnoreCase))
        {
            return HttpAddress(scheme, configured, host, defaultPort);
        }

        return Address(scheme, host, defaultPort);
    }

    /// <summary>Returns the explicit <c>webhdfs.address.&lt;authority&gt;</c> mapping, if any.</summary>
    /// <param name="authority">A host and port, as written in a URI.</param>
    /// <returns>The mapped base address, or <see langword="null"/>.</returns>
    public Uri? Mapped(string authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        if (authority.Length == 0 || Get(AddressPrefix + authority) is not { Length: > 0 } value)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new StorageException(
                $"{AddressPrefix}{authority}='{value}' is not an http:// or https:// address; " +
                "write it as http://host:port.");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    internal static HadoopConfiguration Load(
        string? confDir, IReadOnlyDictionary<string, string>? overrides, Func<string, string?> environment)
    {
        confDir ??= environment(ConfDirVariable);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<string>();
        if (!string.IsNullOrEmpty(confDir))
        {
            foreach (var name in SiteFiles)
            {
                var file = System.IO.Path.Combine(confDir, name);
                if (File.Exists(file))
                {
                    ReadSiteFile(file, properties);
                    sources.Add(file);
                }
            }
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            properties[key] = value;
        }

        return new HadoopConfiguration(properties, sources, EnvironmentUser(environment));
    }

    // Inside a YARN container (CONTAINER_ID is set) the process may run as the NodeManager's account,
    // while USER names the application's submitter, the user a job should act as.
    private static string? EnvironmentUser(Func<string, string?> environment)
    {
        if (environment(UserNameVariable) is { Length: > 0 } hadoopUser)
        {
            return hadoopUser;
        }

        return environment("CONTAINER_ID") is { Length: > 0 } && environment("USER") is { Length: > 0 } yarnUser
            ? yarnUser
            : null;
    }

    private static void ReadSiteFile(string file, Dictionary<string, string> properties)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(file);
        }
        catch (XmlException e)
        {
            throw new StorageException(
                $"Hadoop configuration file '{file}' is not valid XML (line {e.LineNumber}: {e.Message}); " +
                "fix it or point HADOOP_CONF_DIR at another directory.", e);
        }

        foreach (var property in document.Root?.Elements("property") ?? [])
        {
            var name = property.Element("name")?.Value.Trim();
            if (!string.IsNullOrEmpty(name))
            {
                properties[name] = property.Element("value")?.Value.Trim() ?? string.Empty;
            }
        }
    }

    private static Uri Address(string scheme, string host, int defaultPort)
    {
        var (name, port) = SplitHostPort(host, defaultPort);
        return new UriBuilder(scheme, name, port).Uri;
    }

    // A configured "host:port" whose host is a wildcard means "the NameNode's own host".
    private static Uri HttpAddress(string scheme, string configured, string pathHost, int defaultPort)
    {
        var (host, port) = SplitHostPort(configured, defaultPort);
        if (host is "0.0.0.0" or "::" or "[::]" or "")
        {
            host = pathHost;
        }

        return new UriBuilder(scheme, host, port).Uri;
    }

    private static (string Host, int Port) SplitHostPort(string text, int defaultPort)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && !text.EndsWith(']') && int.TryParse(text[(colon + 1)..], out var port))
        {
            return (text[..colon], port);
        }

        return (text, defaultPort);
    }

    private static string HostOf(string authority) => SplitHostPort(authority, 0).Host;

    private static string RequireHost(StoragePath path, string authority) => authority.Length > 0
        ? authority
        : throw new StorageException($"'{path}' names no host; write {path.Scheme}://host:port/path.");

    private string? DefaultFileSystemAuthority()
    {
        var defaultFs = Get("fs.defaultFS") ?? Get("fs.default.name");
        if (string.IsNullOrEmpty(defaultFs) || !defaultFs.StartsWith("hdfs://", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var authority = StoragePath.Parse(defaultFs).Authority;
        return authority.Length > 0 ? authority : null;
    }

    private string? NameServiceAddress(string host, string key)
    {
        var nameServices = (Get("dfs.nameservices") ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!nameServices.Contains(host, StringComparer.Ordinal))
        {
            return null;
        }

        if (Get($"{key}.{host}") is { Length: > 0 } single)
        {
            return single;
        }

        var first = (Get($"dfs.ha.namenodes.{host}") ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault();
        if (first is not null && Get($"{key}.{host}.{first}") is { Length: > 0 } ha)
        {
            return ha;
        }

        throw new StorageException(
            $"Nameservice '{host}' is listed in dfs.nameservices but neither {key}.{host} nor " +
            $"dfs.ha.namenodes.{host} with {key}.{host}.<id> is set; set one of them, or map it with " +
            $"{AddressPrefix}{host}=http://host:port.");
    }

    // Hadoop expands ${name} from other properties; unknown names stay as written, as Hadoop leaves them.
    private string Expand(string value)
    {
        for (var round = 0; round < 20 && value.Contains("${", StringComparison.Ordinal); round++)
        {
            var next = Reference().Replace(
                value, m => _properties.TryGetValue(m.Groups[1].Value, out var found) ? found : m.Value);
            if (next == value)
            {
                break;
            }

            value = next;
        }

        return value;
    }

    [GeneratedRegex(@"\$\{([^}$]+)\}")]
    private static partial Regex Reference();
}
