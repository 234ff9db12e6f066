using System;
using System.IO;

namespace Kubiya.Core.Configuration
{
    /// <summary>Well-known locations under the Kubiya home folder (default <c>~/.kubiya</c>, or <c>KUBIYA_HOME</c>).</summary>
    public sealed class KubiyaPaths
    {
        /// <summary>Creates the paths rooted at <paramref name="home"/>.</summary>
        public KubiyaPaths(string home) => Home = Path.GetFullPath(home);

        /// <summary>The Kubiya home folder.</summary>
        public string Home { get; }

        /// <summary>Paths for the current environment: <c>KUBIYA_HOME</c> or <c>~/.kubiya</c>.</summary>
        public static KubiyaPaths FromEnvironment()
        {
            var home = Environment.GetEnvironmentVariable("KUBIYA_HOME");
            if (string.IsNullOrWhiteSpace(home))
                home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kubiya");
            return new KubiyaPaths(home!);
        }

        /// <summary>The user configuration file.</summary>
        public string ConfigFile => Path.Combine(Home, "config.yaml");

        /// <summary>Kubiya's worker configuration file (<c>worker-config.yaml</c>), read beneath <see cref="ConfigFile"/>.</summary>
        public string WorkerConfigFile => Path.Combine(Home, "worker-config.yaml");

        /// <summary>The user's agent folder.</summary>
        public string AgentsDirectory => Path.Combine(Home, "agents");

        /// <summary>The embedded server's data folder.</summary>
        public string ServerDirectory => Path.Combine(Home, "server");

        /// <summary>The folder of one worker queue.</summary>
        public string WorkerDirectory(string queue) => Path.Combine(Home, "workers", SafeName(queue));

        /// <summary>The folder holding every worker queue's folder.</summary>
        public string WorkersDirectory => Path.Combine(Home, "workers");

        /// <summary>The log file of a worker queue.</summary>
        public string WorkerLogFile(string queue) => Path.Combine(WorkerDirectory(queue), "logs", "worker.log");

        /// <summary>The project-local agent folder below <paramref name="workingDirectory"/>.</summary>
        public static string ProjectAgentsDirectory(string workingDirectory) => Path.Combine(workingDirectory, ".kubiya", "agents");

        private static string SafeName(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (Array.IndexOf(Path.GetInvalidFileNameChars(), chars[i]) >= 0 || chars[i] == '/' || chars[i] == '\\') chars[i] = '_';
            return new string(chars);
        }
    }
}
