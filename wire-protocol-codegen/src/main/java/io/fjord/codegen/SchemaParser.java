package io.fjord.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one {@code .schema} file. The format, line by line ({@code #} starts a comment):
 *
 * <pre>
 * api 0 Produce                 API key and name
 * versions 0-13                 versions covered, for request and response alike
 * flexible 9+                   versions with compact encodings and tagged fields ("none" if never)
 *
 * request                       then the request's fields, indented by two spaces
 *   acks int16
 *   transactionalId string 3+ nullable 3+ default null
 *   topicData []TopicData       an array of an inline struct: its fields follow, indented further
 *     name string
 *   nodeEndpoints []NodeEndpoint 10+ tag 0    a tagged field, present in versions 10+
 *
 * response
 *   ...
 *
 * struct NodeEndpoint           a struct shared by request and response, referenced by name
 *   nodeId int32
 * </pre>
 *
 * A field line is {@code name type [versions] [nullable versions] [tag n] [default value]}; versions are
 * {@code 3+}, {@code 0-12}, {@code 5} or {@code none} and default to all the API's versions. Types: bool, int8, int16, uint16,
 * int32, uint32, int64, float64, uuid, string, bytes, records, {@code []T}, or a struct name. Defaults: a
 * number, true/false, null, or a double-quoted string. Stateless; one instance may parse many files.
 */
public final class SchemaParser {

    private record Line(int number, int indent, List<String> tokens) {
    }

    private Path source;
    private List<Line> lines;
    private int position;
    private Versions fieldDefaultVersions;
    private Map<String, StructSpec> scope;
    private Map<String, StructSpec> common;

    public ApiSpec parse(Path file) throws IOException {
        return parse(file, Files.readAllLines(file));
    }

    public synchronized ApiSpec parse(Path file, List<String> text) {
        this.source = file;
        this.lines = tokenize(text);
        this.position = 0;
        this.common = new LinkedHashMap<>();
        this.fieldDefaultVersions = null;
        Map<String, StructSpec> requestStructs = new LinkedHashMap<>();
        Map<String, StructSpec> responseStructs = new LinkedHashMap<>();
        Integer apiKey = null;
        String name = null;
        Versions valid = null;
        Versions flexible = Versions.NONE;
        StructSpec request = null;
        StructSpec response = null;
        while (position < lines.size()) {
            Line line = lines.get(position++);
            if (line.indent != 0) {
                throw error(line, "unexpected indentation");
            }
            List<String> t = line.tokens;
            switch (t.get(0)) {
                case "api" -> {
                    expectTokens(line, 3);
                    apiKey = parseInt(line, t.get(1));
                    name = t.get(2);
                }
                case "versions" -> {
                    expectTokens(line, 2);
                    valid = parseVersions(line, t.get(1));
                    fieldDefaultVersions = new Versions(valid.low(), Versions.OPEN);
                }
                case "flexible" -> {
                    expectTokens(line, 2);
                    flexible = parseVersions(line, t.get(1));
                }
                case "request" -> {
                    expectTokens(line, 1);
                    scope = requestStructs;
                    request = new StructSpec(name + "Request", parseFields(2));
                }
                case "response" -> {
                    expectTokens(line, 1);
                    scope = responseStructs;
                    response = new StructSpec(name + "Response", parseFields(2));
                }
                case "struct" -> {
                    expectTokens(line, 2);
                    scope = common;
                    defineStruct(line, new StructSpec(t.get(1), parseFields(2)));
                }
                default -> throw error(line, "unknown directive '" + t.get(0) + "'");
            }
        }
        if (apiKey == null || valid == null || request == null || response == null) {
            throw new SchemaException(file + ": needs 'api', 'versions', 'request' and 'response'");
        }
        ApiSpec api = new ApiSpec(apiKey, name, valid, flexible,
                message(request, requestStructs), message(response, responseStructs));
        validate(api);
        return api;
    }

    private List<FieldSpec> parseFields(int indent) {
        List<FieldSpec> fields = new ArrayList<>();
        while (position < lines.size() && lines.get(position).indent >= indent) {
            Line line = lines.get(position++);
            if (line.indent != indent) {
                throw error(line, "expected indentation of " + indent + " spaces");
            }
            FieldSpec field = parseField(line);
            fields.add(field);
            boolean hasChildren = position < lines.size() && lines.get(position).indent > indent;
            if (hasChildren) {
                String structName = structName(field.type());
                if (structName == null) {
                    throw error(lines.get(position), "only struct-typed fields may have nested fields");
                }
                defineStruct(line, new StructSpec(structName, parseFields(indent + 2)));
            }
        }
        return fields;
    }

    private FieldSpec parseField(Line line) {
        List<String> t = line.tokens;
        if (t.size() < 2) {
            throw error(line, "a field needs a name and a type");
        }
        String name = t.get(0);
        if (!name.matches("[a-z][A-Za-z0-9]*")) {
            throw error(line, "field names are camelCase: " + name);
        }
        FieldType type;
        try {
            type = FieldType.parse(t.get(1));
        } catch (IllegalArgumentException e) {
            throw error(line, e.getMessage());
        }
        if (fieldDefaultVersions == null) {
            throw error(line, "'versions' must come before the first field");
        }
        Versions versions = fieldDefaultVersions;
        Versions nullable = Versions.NONE;
        int tag = -1;
        String defaultValue = null;
        int i = 2;
        if (i < t.size() && Versions.looksLikeVersions(t.get(i))) {
            versions = parseVersions(line, t.get(i++));
        }
        while (i < t.size()) {
            String keyword = t.get(i++);
            if (i >= t.size()) {
                throw error(line, "'" + keyword + "' needs a value");
            }
            String value = t.get(i++);
            switch (keyword) {
                case "nullable" -> nullable = parseVersions(line, value);
                case "tag" -> tag = parseInt(line, value);
                case "default" -> defaultValue = value;
                default -> throw error(line, "unknown field option '" + keyword + "'");
            }
        }
        return new FieldSpec(name, type, versions, nullable, tag, defaultValue, line.number);
    }

    private void defineStruct(Line line, StructSpec struct) {
        if (scope.putIfAbsent(struct.name(), struct) != null || (scope != common && common.containsKey(struct.name()))) {
            throw error(line, "struct " + struct.name() + " is defined twice");
        }
    }

    private MessageSpec message(StructSpec body, Map<String, StructSpec> sectionStructs) {
        Map<String, StructSpec> reachable = new LinkedHashMap<>();
        collect(body, sectionStructs, reachable);
        return new MessageSpec(body.name(), body, reachable);
    }

    private void collect(StructSpec struct, Map<String, StructSpec> sectionStructs, Map<String, StructSpec> into) {
        for (FieldSpec field : struct.fields()) {
            String ref = structName(field.type());
            if (ref == null || into.containsKey(ref)) {
                continue;
            }
            StructSpec target = sectionStructs.getOrDefault(ref, common.get(ref));
            if (target == null) {
                throw new SchemaException(source + ":" + field.line() + ": unknown struct " + ref);
            }
            into.put(ref, target);
            collect(target, sectionStructs, into);
        }
    }

    private void validate(ApiSpec api) {
        for (MessageSpec message : List.of(api.request(), api.response())) {
            validateStruct(api, message.body());
            for (StructSpec struct : message.structs().values()) {
                if (struct.name().equals(message.className())) {
                    throw new SchemaException(source + ": struct " + struct.name() + " clashes with the message class");
                }
                validateStruct(api, struct);
            }
        }
    }

    private void validateStruct(ApiSpec api, StructSpec struct) {
        Map<String, FieldSpec> names = new LinkedHashMap<>();
        Map<Integer, FieldSpec> tags = new LinkedHashMap<>();
        for (FieldSpec field : struct.fields()) {
            String where = source + ":" + field.line() + ": " + field.name() + ": ";
            if (names.put(field.name().toLowerCase(), field) != null) {
                throw new SchemaException(where + "duplicate field name");
            }
            if (!field.versions().isEmpty() && (field.versions().low() < api.valid().low()
                    || field.versions().low() > api.valid().high()
                    || (field.versions().high() != Versions.OPEN && field.versions().high() > api.valid().high()))) {
                throw new SchemaException(where + "versions " + field.versions() + " outside " + api.valid());
            }
            boolean nullCapable = !(field.type() instanceof FieldType.PrimitiveType p) || p.canBeNull();
            if (!field.nullableVersions().isEmpty() && !nullCapable) {
                throw new SchemaException(where + "type " + field.type() + " cannot be nullable");
            }
            if (field.defaultsToNull() && !field.nullableVersions().containsAll(field.versions())) {
                throw new SchemaException(where + "default null needs the field nullable in all its versions");
            }
            if (field.isTagged()) {
                if (!api.flexible().containsAll(field.versions())) {
                    throw new SchemaException(where + "tagged versions must be flexible versions");
                }
                if (tags.put(field.tag(), field) != null) {
                    throw new SchemaException(where + "duplicate tag " + field.tag());
                }
            }
        }
    }

    static String structName(FieldType type) {
        if (type instanceof FieldType.StructType s) {
            return s.name();
        }
        if (type instanceof FieldType.ArrayType a) {
            return structName(a.element());
        }
        return null;
    }

    private Versions parseVersions(Line line, String token) {
        try {
            return Versions.parse(token);
        } catch (IllegalArgumentException e) {
            throw error(line, "bad versions '" + token + "'");
        }
    }

    private int parseInt(Line line, String token) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw error(line, "expected a number, got '" + token + "'");
        }
    }

    private void expectTokens(Line line, int count) {
        if (line.tokens.size() != count) {
            throw error(line, "expected " + count + " words");
        }
    }

    private SchemaException error(Line line, String message) {
        return new SchemaException(source + ":" + line.number + ": " + message);
    }

    private List<Line> tokenize(List<String> text) {
        List<Line> result = new ArrayList<>();
        for (int n = 0; n < text.size(); n++) {
            String raw = text.get(n);
            if (raw.indexOf('\t') >= 0) {
                throw new SchemaException(source + ":" + (n + 1) + ": tabs are not allowed; indent with spaces");
            }
            List<String> tokens = new ArrayList<>();
            int i = 0;
            while (i < raw.length()) {
                char c = raw.charAt(i);
                if (c == '#') {
                    break;
                } else if (c == ' ') {
                    i++;
                } else if (c == '"') {
                    int end = raw.indexOf('"', i + 1);
                    if (end < 0) {
                        throw new SchemaException(source + ":" + (n + 1) + ": unterminated string");
                    }
                    tokens.add(raw.substring(i, end + 1));
                    i = end + 1;
                } else {
                    int end = i;
                    while (end < raw.length() && raw.charAt(end) != ' ' && raw.charAt(end) != '#') {
                        end++;
                    }
                    tokens.add(raw.substring(i, end));
                    i = end;
                }
            }
            if (!tokens.isEmpty()) {
                int indent = 0;
                while (raw.charAt(indent) == ' ') {
                    indent++;
                }
                result.add(new Line(n + 1, indent, tokens));
            }
        }
        return result;
    }
}
