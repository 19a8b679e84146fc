package dev.saemonitor.console;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A logged-in console user over plain HTTP: the form-login cookie, and the CSRF cookie and token of the last page. */
final class ConsoleSession {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");
    final String credential;
    String csrfCookie;
    String csrfToken;

    private ConsoleSession(String credential) {
        this.credential = credential;
    }

    static ConsoleSession login(String user, String password) {
        Response r = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParams(Map.of("j_username", user, "j_password", password)).post("/j_security_check");
        String cookie = r.getCookie("quarkus-credential");
        if (cookie == null) {
            throw new AssertionError("login of " + user + " gave no session cookie (HTTP " + r.statusCode() + ")");
        }
        return new ConsoleSession(cookie);
    }

    /** GETs a console page, keeping its CSRF cookie and token. */
    Response get(String path) {
        Response r = given().redirects().follow(false).cookie("quarkus-credential", credential).get(path);
        if (r.getCookie("csrf-token") != null) {
            csrfCookie = r.getCookie("csrf-token");
        }
        Matcher m = CSRF.matcher(r.asString());
        if (m.find()) {
            csrfToken = m.group(1);
        }
        return r;
    }

    /** POSTs a form with the CSRF cookie and, when {@code withToken}, the token of the last page. */
    Response post(String path, Map<String, String> form, boolean withToken) {
        var req = given().redirects().follow(false).cookie("quarkus-credential", credential)
                .contentType("application/x-www-form-urlencoded").formParams(form);
        if (csrfCookie != null) {
            req = req.cookie("csrf-token", csrfCookie);
        }
        if (withToken && csrfToken != null) {
            req = req.formParam("csrf-token", csrfToken);
        }
        return req.post(path);
    }
}
