using System;
using System.Collections.Generic;
using System.Linq;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Operations vocabulary: words people use for the same thing ("db", "postgres", "database")
    /// map to one concept term (<c>~database</c>) added beside the word itself, on the prompt and
    /// the agent side alike, so a prompt matches an agent that words it differently.
    /// </summary>
    public static class Synonyms
    {
        private static readonly string[][] Groups =
        {
            new[] { "deploy", "deployment", "release", "rollout", "ship", "publish", "promote", "launch" },
            new[] { "rollback", "revert", "undo", "downgrade", "previous" },
            new[] { "database", "db", "postgres", "postgresql", "psql", "pg", "mysql", "mariadb", "sql", "sqlserver", "mssql", "mongo", "mongodb", "rds" },
            new[] { "backup", "snapshot", "dump", "pgdump" },
            new[] { "restore", "recover", "recovery", "import" },
            new[] { "certificate", "cert", "certs", "tls", "ssl", "x509", "letsencrypt", "acme", "certbot" },
            new[] { "renew", "renewal", "expire", "expiry", "expiration", "expiring" },
            new[] { "log", "logs", "logging", "syslog", "journal", "journalctl", "eventlog" },
            new[] { "error", "errors", "exception", "exceptions", "crash", "crashing", "stacktrace", "traceback", "panic", "fatal" },
            new[] { "triage", "investigate", "diagnose", "troubleshoot", "debug", "analyze", "analyse", },
            new[] { "test", "tests", "testing", "pytest", "xunit", "jest", "spec", "unittest" },
            new[] { "build", "compile", "ci", "pipeline" },
            new[] { "kubernetes", "k8s", "kubectl", "pod", "pods", "cluster", "helm" },
            new[] { "scale", "autoscale", "replicas", "replica", "capacity" },
            new[] { "dns", "domain", "cname", "nameserver", "route53", "record", "records", "subdomain", "hostname" },
            new[] { "network", "networking", "balancer", "lb", "vpn", "subnet", "vpc" },
            new[] { "web", "website", "site", "frontend", "webapp", "homepage" },
            new[] { "production", "prod", "live" },
            new[] { "disk", "storage", "space", "volume", "filesystem", "df" },
            new[] { "cleanup", "clean", "prune", "purge", "tidy", "reclaim", "free" },
            new[] { "secret", "secrets", "password", "passwords", "credential", "credentials", "apikey", "vault" },
            new[] { "rotate", "rotation", "cycle" },
            new[] { "vulnerability", "vulnerabilities", "cve", "vuln", "vulns", "scan", "trivy", "snyk" },
            new[] { "dependency", "dependencies", "package", "packages", "npm", "nuget", "pip", "library", "libraries", "dependabot" },
            new[] { "upgrade", "update", "bump", "patch", "patches", "patching" },
            new[] { "user", "users", "account", "accounts", "onboard", "onboarding", "employee", "hire" },
            new[] { "offboard", "offboarding", "leaver", "disable", "deprovision" },
            new[] { "cost", "costs", "bill", "billing", "spend", "spending", "invoice", "budget" },
            new[] { "health", "healthcheck", "uptime", "alive", "ping", "smoke", "probe" },
            new[] { "incident", "outage", "pagerduty", "oncall", "sev1", "sev2", "down" },
            new[] { "restart", "reboot", "bounce", "recycle" },
            new[] { "docker", "container", "containers", "image", "images", "registry" },
            new[] { "terraform", "infrastructure", "iac", "provision", "tf" },
            new[] { "slow", "latency", "performance", "perf", "timeout", "timeouts" },
            new[] { "queue", "backlog", "rabbitmq", "kafka", "consumer", "lag" },
            new[] { "migration", "migrate", "schema", "alembic", "flyway", "liquibase" },
            new[] { "lint", "linter", "format", "formatting", "style", "eslint", "prettier" },
            new[] { "report", "summary", "summarize", "digest", "weekly" },
            new[] { "cache", "cdn", "cloudflare", "invalidate", "flush" },
            new[] { "windows", "win", "server2019", "server2022" },
            new[] { "firewall", "port", "ports", "nsg", "iptables", "ingress" },
            new[] { "git", "branch", "branches", "merge", "pr", "pull" },
        };

        private static readonly Dictionary<string, List<string>> ConceptsByTerm = Build();

        private static Dictionary<string, List<string>> Build()
        {
            var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var g in Groups)
            {
                var concept = "~" + g[0];
                foreach (var word in g)
                {
                    var term = LightStemmer.Stem(word);
                    if (!map.TryGetValue(term, out var list)) map[term] = list = new List<string>();
                    if (!list.Contains(concept)) list.Add(concept);
                }
            }
            return map;
        }

        /// <summary>The concept terms of <paramref name="term"/> (usually none or one).</summary>
        public static IReadOnlyList<string> ConceptsOf(string term) =>
            ConceptsByTerm.TryGetValue(term, out var list) ? list : (IReadOnlyList<string>)Array.Empty<string>();

        /// <summary><paramref name="terms"/> followed by their concept terms.</summary>
        public static List<string> Expand(IEnumerable<string> terms)
        {
            var result = new List<string>();
            foreach (var t in terms)
            {
                result.Add(t);
                result.AddRange(ConceptsOf(t));
            }
            return result;
        }
    }
}
