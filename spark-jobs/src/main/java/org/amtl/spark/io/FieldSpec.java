package org.amtl.spark.io;

import java.io.Serializable;

/** A feature column: its name and whether it holds a list of values (a bag) rather than one value. */
public record FieldSpec(String name, boolean list) implements Serializable {}
