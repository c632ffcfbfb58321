package io.fjord.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Build entry point: {@code GenerateMessages <schema dir> <output dir> <package>}. Parses every
 * {@code *.schema} file, writes one class per request and response plus {@code ApiMessages} (a factory by
 * API key), and leaves files whose content did not change untouched so incremental builds stay quick.
 */
public final class GenerateMessages {

    private GenerateMessages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: GenerateMessages <schema dir> <output dir> <package>");
        }
        Path schemaDir = Path.of(args[0]);
        String packageName = args[2];
        Path outDir = Path.of(args[1]).resolve(packageName.replace('.', '/'));
        Files.createDirectories(outDir);

        List<ApiSpec> apis = parseAll(schemaDir);
        MessageGenerator generator = new MessageGenerator(packageName);
        int written = 0;
        for (ApiSpec api : apis) {
            written += writeIfChanged(outDir.resolve(api.request().className() + ".java"), generator.generate(api, api.request(), true));
            written += writeIfChanged(outDir.resolve(api.response().className() + ".java"), generator.generate(api, api.response(), false));
        }
        written += writeIfChanged(outDir.resolve("ApiMessages.java"), new FactoryGenerator(packageName).generate(apis));
        System.out.println("fjord codegen: " + apis.size() + " schemas, " + written + " files rewritten in " + outDir);
    }

    public static List<ApiSpec> parseAll(Path schemaDir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(schemaDir)) {
            files = list.filter(p -> p.toString().endsWith(".schema")).sorted().toList();
        }
        SchemaParser parser = new SchemaParser();
        List<ApiSpec> apis = new ArrayList<>();
        for (Path file : files) {
            apis.add(parser.parse(file));
        }
        apis.sort(Comparator.comparingInt(ApiSpec::apiKey));
        for (int i = 1; i < apis.size(); i++) {
            if (apis.get(i).apiKey() == apis.get(i - 1).apiKey()) {
                throw new SchemaException("API key " + apis.get(i).apiKey() + " is defined by two schema files");
            }
        }
        return apis;
    }

    private static int writeIfChanged(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            return 0;
        }
        Files.write(file, bytes);
        return 1;
    }
}
