using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Kubiya.Cli.Tests.WebUI;

/// <summary>
/// Debian's headless chromium driven through its own chromedriver (/usr/bin/chromedriver): the
/// real browser, its console log, and screenshots saved under TestResults/WebUI/.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string DriverPath = "/usr/bin/chromedriver";
    public const string ChromiumPath = "/usr/bin/chromium";

    public Browser()
    {
        if (!File.Exists(DriverPath) || !File.Exists(ChromiumPath))
            throw new InvalidOperationException($"chromium and chromium-driver are required ({ChromiumPath}, {DriverPath}): apt-get install -y chromium chromium-driver (.ci/run installs them).");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1360,900",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--user-data-dir=" + (profile = Directory.CreateTempSubdirectory("kubiya-chromium-").FullName));
        options.SetLoggingPreference(LogType.Browser, OpenQA.Selenium.LogLevel.All);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    private readonly string profile;

    public ChromeDriver Driver { get; }

    /// <summary>Opens <paramref name="url"/>.</summary>
    public void Go(string url) => Driver.Navigate().GoToUrl(url);

    /// <summary>Waits until <paramref name="condition"/> holds; fails saying <paramref name="what"/>.</summary>
    public T Wait<T>(Func<IWebDriver, T> condition, string what, double seconds = 30)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Waits for an element matching <paramref name="css"/>.</summary>
    public IWebElement Find(string css, double seconds = 30) =>
        Wait(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed), $"element '{css}' on {Driver.Url}", seconds)!;

    /// <summary>Console messages at warning level or above (errors fail the page tests).</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= OpenQA.Selenium.LogLevel.Severe).Select(e => e.Message).ToList();

    /// <summary>Saves a screenshot as TestResults/WebUI/NAME.png; returns its path.</summary>
    public string Screenshot(string name)
    {
        var folder = Path.Combine(RepoPaths.Root, "TestResults", "WebUI");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        try { Driver.Quit(); } catch (WebDriverException) { }
        Driver.Dispose();
        try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
