using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Connection
{
    /// <summary>
    /// Reads the embedded server's caller token (<c>server/server.token</c> in the Kubiya home,
    /// owner-only, created by the server at first start). Every front sends it as
    /// <c>authorization: Bearer TOKEN</c>; a caller without it is refused.
    /// </summary>
    public static class EmbeddedServerToken
    {
        /// <summary>Reads the token, waiting briefly for a server that is still creating it.</summary>
        public static async Task<string> ReadAsync(KubiyaPaths paths, CancellationToken cancellationToken)
        {
            var path = EmbeddedServerControl.TokenFile(paths);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (true)
            {
                try
                {
                    var token = File.ReadAllText(path).Trim();
                    if (token.Length > 0) return token;
                }
                catch (FileNotFoundException) { }
                catch (DirectoryNotFoundException) { }
                catch (UnauthorizedAccessException ex)
                {
                    throw new KubiyaException(KubiyaErrorKind.ServerUnreachable, "ServerTokenUnreadable",
                        $"Cannot read the embedded server's token {path}: it belongs to another account. Run as the account that owns this Kubiya home, or set KUBIYA_HOME to your own.", path, ex);
                }
                if (DateTime.UtcNow > deadline)
                    throw new KubiyaException(KubiyaErrorKind.ServerUnreachable, "ServerTokenMissing",
                        $"The server on 127.0.0.1 has no token at {path}: it was not started from this Kubiya home (another account's server on the same port?). Stop it, or set KUBIYA_SERVER_PORT to a free port.", path);
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
