using System.Security.Cryptography;
using System.Text;

namespace Kubiya.WebUI.Security;

/// <summary>The random access token of one UI start.</summary>
internal static class UiToken
{
    /// <summary>Name of the cookie that keeps the token after the first visit.</summary>
    public const string Cookie = "kubiya_ui_token";

    /// <summary>A new 256-bit token, URL-safe.</summary>
    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();

    /// <summary>Constant-time comparison, so response timing tells nothing about the token.</summary>
    public static bool Matches(string expected, string? given) =>
        given != null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));
}
