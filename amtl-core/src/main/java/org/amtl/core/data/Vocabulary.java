package org.amtl.core.data;

import java.util.List;

/** The vocabularies of all fields, in field order. */
public final class Vocabulary {
  private final List<FieldVocabulary> fields;

  public Vocabulary(List<FieldVocabulary> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("vocabulary has 0 fields (expected at least 1)");
    }
    this.fields = List.copyOf(fields);
  }

  public int numFields() {
    return fields.size();
  }

  public FieldVocabulary field(int f) {
    return fields.get(f);
  }

  public List<FieldVocabulary> fields() {
    return fields;
  }

  /** Index of the field called {@code name}, or an error naming it. */
  public int fieldIndex(String name) {
    for (int f = 0; f < fields.size(); f++) {
      if (fields.get(f).name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown field '" + name + "'");
  }
}
