using System.Net;

namespace Kubiya.Server;

/// <summary>Command-line options of the server process.</summary>
public sealed class ServerOptions
{
    public int Port { get; set; } = 7233;
    public string Bind { get; set; } = "127.0.0.1";
    public string DbPath { get; set; } = DefaultDbPath();
    public bool AllowRemote { get; set; }
    public string? ApiKey { get; set; } = Environment.GetEnvironmentVariable("KUBIYA_SERVER_API_KEY");
    public string LogLevel { get; set; } = "Warning";
    public string? TlsCertPath { get; set; }
    public string? TlsKeyPath { get; set; }
    /// <summary>The caller token file; default <c>server.token</c> beside the database.</summary>
    public string? TokenFile { get; set; }
    /// <summary>Accept callers without the token (tests, or a front that authenticates itself).</summary>
    public bool NoAuth { get; set; }
    /// <summary>Dispatch every activity through polls, never eagerly in the workflow task answer.</summary>
    public bool NoEagerActivities { get; set; }
    /// <summary>How long after a restart attempts that were running may take to be heard from (see <see cref="Engine.EngineLimits.ResumeGrace"/>).</summary>
    public TimeSpan ResumeGrace { get; set; } = new Engine.EngineLimits().ResumeGrace;
    /// <summary>History length from which workflow tasks suggest continue-as-new (0: never).</summary>
    public long SuggestContinueAsNewEvents { get; set; } = new Engine.EngineLimits().SuggestContinueAsNewEvents;
    /// <summary>History size in bytes from which workflow tasks suggest continue-as-new (0: never).</summary>
    public long SuggestContinueAsNewBytes { get; set; } = new Engine.EngineLimits().SuggestContinueAsNewBytes;

    /// <summary>How long a Nexus handler worker may hold a start or cancel request before it is retried.</summary>
    public TimeSpan NexusRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Port of the Prometheus <c>/metrics</c> listener on the bind address; null = none.</summary>
    public int? MetricsPort { get; set; }

    /// <summary>The token file used when neither an API key nor --no-auth is given.</summary>
    public string EffectiveTokenFile => TokenFile ?? Security.ServerToken.DefaultPath(DbPath);

    public static string DefaultDbPath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kubiya", "server", "kubiya.db");

    public const string Usage =
        "usage: Kubiya.Server [--port N] [--db FILE] [--bind ADDRESS] [--allow-remote --api-key KEY] [--tls-cert FILE --tls-key FILE] [--token-file FILE | --no-auth] [--no-eager-activities] [--resume-grace SECONDS] [--suggest-continue-as-new-events N] [--suggest-continue-as-new-bytes N] [--metrics-port N] [--nexus-request-timeout SECONDS] [--log-level LEVEL]\n" +
        "  --port N        port to listen on (default 7233; 0 picks a free port)\n" +
        "  --db FILE       SQLite database (default ~/.kubiya/server/kubiya.db)\n" +
        "  --bind ADDRESS  address to listen on (default 127.0.0.1)\n" +
        "  --allow-remote  permit a non-loopback --bind; requires --api-key\n" +
        "  --api-key KEY   require 'authorization: Bearer KEY' on every call (or KUBIYA_SERVER_API_KEY)\n" +
        "  --tls-cert FILE --tls-key FILE   serve TLS with this PEM certificate and key\n" +
        "  --token-file F  caller token (default server.token beside the db; created owner-only at first start)\n" +
        "  --no-auth       accept callers without the token (tests, or a front that authenticates callers itself)\n" +
        "  --no-eager-activities  hand every activity out through polls (by default one a worker asks to run itself starts at once)\n" +
        "  --resume-grace S  seconds after a restart that steps running before it have to report or heartbeat (default 30)\n" +
        "  --suggest-continue-as-new-events N  history length from which workflow tasks suggest continue-as-new (default 4096, Temporal's; 0 never)\n" +
        "  --suggest-continue-as-new-bytes N   history size in bytes from which they suggest it (default 4194304 = 4 MiB, Temporal's; 0 never)\n" +
        "  --metrics-port N  serve Prometheus metrics (RPCs, open executions, task backlog) at http://BIND:N/metrics\n" +
        "  --nexus-request-timeout S  seconds a Nexus handler may hold a request before it is retried (default 10, Temporal's)\n" +
        "  --log-level L   Trace, Debug, Information, Warning (default), Error";

    /// <summary>Parses arguments; throws ArgumentException with a one-line message on bad input.</summary>
    public static ServerOptions Parse(string[] args)
    {
        var o = new ServerOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port":
                    var p = Value();
                    if (!int.TryParse(p, out var port) || port < 0 || port > 65535) throw new ArgumentException($"--port must be 0-65535, not '{p}'.");
                    o.Port = port;
                    break;
                case "--db": o.DbPath = Value(); break;
                case "--metrics-port":
                    var mp = Value();
                    if (!int.TryParse(mp, out var metricsPort) || metricsPort < 1 || metricsPort > 65535) throw new ArgumentException($"--metrics-port must be 1-65535, not '{mp}'.");
                    o.MetricsPort = metricsPort;
                    break;
                case "--bind": o.Bind = Value(); break;
                case "--allow-remote": o.AllowRemote = true; break;
                case "--api-key": o.ApiKey = Value(); break;
                case "--log-level": o.LogLevel = Value(); break;
                case "--tls-cert": o.TlsCertPath = Value(); break;
                case "--tls-key": o.TlsKeyPath = Value(); break;
                case "--token-file": o.TokenFile = Value(); break;
                case "--no-auth": o.NoAuth = true; break;
                case "--no-eager-activities": o.NoEagerActivities = true; break;
                case "--resume-grace":
                    var g = Value();
                    if (!double.TryParse(g, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var grace) || grace < 0 || grace > 86_400)
                        throw new ArgumentException($"--resume-grace must be 0-86400 seconds, not '{g}'.");
                    o.ResumeGrace = TimeSpan.FromSeconds(grace);
                    break;
                case "--suggest-continue-as-new-events": o.SuggestContinueAsNewEvents = NonNegative(args[i], Value()); break;
                case "--suggest-continue-as-new-bytes": o.SuggestContinueAsNewBytes = NonNegative(args[i], Value()); break;
                case "--nexus-request-timeout":
                    var t = Value();
                    if (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var nexusTimeout) || nexusTimeout < 0.1 || nexusTimeout > 3600)
                        throw new ArgumentException($"--nexus-request-timeout must be 0.1-3600 seconds, not '{t}'.");
                    o.NexusRequestTimeout = TimeSpan.FromSeconds(nexusTimeout);
                    break;
                case "-h": case "--help": throw new HelpRequested();
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        if ((o.TlsCertPath == null) != (o.TlsKeyPath == null)) throw new ArgumentException("--tls-cert and --tls-key must be given together.");
        if (!IPAddress.TryParse(o.Bind, out var addr)) throw new ArgumentException($"--bind must be an IP address, not '{o.Bind}'.");
        // ::ffff:127.0.0.1 is 127.0.0.1 written as IPv6: listen on the IPv4 address it names.
        if (addr.IsIPv4MappedToIPv6)
        {
            addr = addr.MapToIPv4();
            o.Bind = addr.ToString();
        }
        if (o.MetricsPort is { } m && m == o.Port) throw new ArgumentException($"--metrics-port {m} is the gRPC port; choose another.");
        if (o.NoAuth && !string.IsNullOrEmpty(o.ApiKey)) throw new ArgumentException("--no-auth and --api-key exclude each other.");
        if (!IPAddress.IsLoopback(addr))
        {
            if (!o.AllowRemote) throw new ArgumentException($"Refusing to listen on non-loopback address {o.Bind} without --allow-remote.");
            if (string.IsNullOrEmpty(o.ApiKey)) throw new ArgumentException("--allow-remote requires --api-key (or KUBIYA_SERVER_API_KEY).");
        }
        return o;
    }

    private static long NonNegative(string option, string value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw new ArgumentException($"{option} must be a whole number of 0 or more, not '{value}'.");

    /// <summary>Thrown by <see cref="Parse"/> for --help.</summary>
    public sealed class HelpRequested : Exception { }
}
