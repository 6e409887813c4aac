package dev.reliant.cli;

/** Entry point of the {@code reliant} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("reliant");
    }
}
