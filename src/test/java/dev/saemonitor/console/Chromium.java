package dev.saemonitor.console;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium through Debian's chromedriver, given by path so Selenium Manager (which cannot download drivers
 * here) is never asked. Missing or unstartable: the calling test is skipped with the reason, never passed.
 * {@code scripts/install-ops-tools.sh} installs both packages.
 */
final class Chromium {
    static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path BROWSER = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private Chromium() {
    }

    static ChromeDriver start() {
        Assumptions.assumeTrue(Files.isExecutable(DRIVER), "no chromedriver at " + DRIVER
                + " (Debian chromium-driver; scripts/install-ops-tools.sh installs it): browser test skipped");
        Assumptions.assumeTrue(Files.isExecutable(BROWSER), "no Chromium at " + BROWSER
                + " (Debian chromium; scripts/install-ops-tools.sh installs it): browser test skipped");
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BROWSER.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions");
        try {
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                    .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
            ChromeDriver d = new ChromeDriver(service, o);
            d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return d;
        } catch (RuntimeException e) {
            Assumptions.abort("Chromium did not start (" + e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "): browser test skipped");
            throw e;
        }
    }
}
