using System;
using System.Globalization;
using Kubiya.Core.Errors;

namespace Kubiya.Core.WebUI
{
    /// <summary>
    /// Whether and where a worker serves its web UI when no parameter says: port 8088 on
    /// 127.0.0.1 (<c>KUBIYA_WEBUI_PORT</c>), on unless <c>KUBIYA_NO_WEBUI</c> is true.
    /// </summary>
    public static class WebUISettings
    {
        /// <summary>The Kubiya default port.</summary>
        public const int DefaultPort = 8088;

        /// <summary>Variable naming the first port tried.</summary>
        public const string PortVariable = "KUBIYA_WEBUI_PORT";

        /// <summary>Variable that turns the UI off for every worker started with it.</summary>
        public const string DisableVariable = "KUBIYA_NO_WEBUI";

        /// <summary>The port from the environment, else 8088.</summary>
        public static int Port(Func<string, string?>? env = null)
        {
            var text = (env ?? Environment.GetEnvironmentVariable)(PortVariable);
            if (string.IsNullOrWhiteSpace(text)) return DefaultPort;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) && port >= 0 && port <= 65535) return port;
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSetting", $"Setting {PortVariable}: '{text}' is not a port (0-65535).", PortVariable);
        }

        /// <summary>True when the environment turns the UI off.</summary>
        public static bool Disabled(Func<string, string?>? env = null)
        {
            var text = (env ?? Environment.GetEnvironmentVariable)(DisableVariable)?.Trim().ToLowerInvariant();
            switch (text)
            {
                case null: case "": case "0": case "false": case "no": case "off": return false;
                case "1": case "true": case "yes": case "on": return true;
                default: throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidSetting", $"Setting {DisableVariable}: '{text}' is not true or false.", DisableVariable);
            }
        }
    }
}
