package org.amtl.core.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Hides the values of keys that look like secrets before they reach a log, report or manifest. */
public final class Redaction {
  public static final String HIDDEN = "*** redacted ***";
  private static final Pattern SECRET = Pattern.compile(
      "(?i).*(secret|password|passwd|token|credential|access[._-]?key|session[._-]?key).*");

  private Redaction() {}

  public static boolean isSecret(String key) {
    return SECRET.matcher(key).matches();
  }

  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

  /** Values of secret-looking keys hidden; credentials inside URIs (scheme://user:secret@host) hidden too. */
  public static Map<String, String> redact(Map<String, String> values) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, isSecret(k) ? HIDDEN : redactUris(v)));
    return out;
  }

  /** The text with the user-info part of every URI replaced. */
  public static String redactUris(String text) {
    return USER_INFO.matcher(text).replaceAll("***@");
  }
}
