#!/usr/bin/env python3
"""Checks that compiled classes reference only GeoTools members that exist in given GeoTools versions.

GeoServer 2.27, 2.28 and 2.29 ship GeoTools 33, 34 and 35; their jars are not reachable from our build
machines, but GeoTools' sources are (a git clone). This reads every GeoTools reference in our bytecode
(`javap -v`: classes, fields, methods and constructors with their descriptors, annotation elements) and
looks each one up in the Java sources of each git tag: the declaring type or one of its GeoTools
supertypes must declare a member of that name whose parameter and return types have the descriptor's
simple names (type variables match any type). It also fails on any JAI or ImageN type, which exist in
only some of these versions.

    python3 scripts/check-geotools-api.py src/geoserver/target/classes /path/to/geotools.git 33.1 34.5 35.1

Prints one line per reference that is missing in some version, then a summary; exit status 1 when any
reference is missing. A lookup is textual (no compiler), so it is checked against the version we do
link and test against (33.1): every reference must be found there too, else the checker is wrong.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FORBIDDEN = ("javax/media/jai/", "it/geosolutions/jaiext/", "org/eclipse/imagen/")
PRIMITIVES = {"B": "byte", "C": "char", "D": "double", "F": "float", "I": "int", "J": "long", "S": "short",
              "Z": "boolean", "V": "void"}
KEYWORDS = {"return", "new", "throw", "else", "case", "instanceof", "assert", "yield"}


@dataclass(frozen=True)
class Ref:
    owner: str  # org/geotools/x/Y or org/geotools/x/Y$Z
    name: str  # member name, "<init>", or "" for a class reference
    descriptor: str  # JVM descriptor; for annotation elements "@"


def references(classes: Path) -> set[Ref]:
    refs: set[Ref] = set()
    for cls in sorted(classes.rglob("*.class")):
        out = subprocess.run(["javap", "-v", "-p", str(cls)], capture_output=True, text=True, check=True).stdout
        for kind, owner, name, desc in re.findall(
                r"= (Methodref|InterfaceMethodref|Fieldref)\s+\S+\s+// (\S+?)\.(\"?<init>\"?|[\w$]+):(\S+)", out):
            refs.add(Ref(owner, name.strip('"'), desc))
        for owner in re.findall(r"L(org/geotools/[\w/$]+);", out):
            refs.add(Ref(owner, "", ""))
        for owner in re.findall(r"= Class\s+\S+\s+// \"?\[*L?(org/geotools/[\w/$]+)", out):
            refs.add(Ref(owner, "", ""))
        # annotation elements as javap prints them: org.geotools.x.Y(\n  name=... \n)
        for ann, body in re.findall(r"^\s+(org\.geotools\.[\w.$]+)\(\n(.*?)^\s+\)", out, re.M | re.S):
            for element in re.findall(r"^\s+(\w+)=", body, re.M):
                refs.add(Ref(ann.replace(".", "/"), element, "@"))
        for bad in FORBIDDEN:
            if bad in out:
                refs.add(Ref(bad + "*", "", "FORBIDDEN in " + cls.name))
    return {r for r in refs if r.owner.startswith("org/geotools/") or r.descriptor.startswith("FORBIDDEN")}


def descriptor_types(desc: str) -> tuple[list[str], str]:
    """Type names (a.b.C, a.b.C.D for nested, int[]) of a method descriptor's parameters and return type
    (or a field's type)."""
    def one(s: str, i: int) -> tuple[str, int]:
        dims = 0
        while s[i] == "[":
            dims, i = dims + 1, i + 1
        if s[i] == "L":
            end = s.index(";", i)
            name = s[i + 1:end].replace("/", ".").replace("$", ".")
            i = end + 1
        else:
            name, i = PRIMITIVES[s[i]], i + 1
        return name + "[]" * dims, i

    if not desc.startswith("("):
        return [], one(desc, 0)[0]
    params, i = [], 1
    while desc[i] != ")":
        t, i = one(desc, i)
        params.append(t)
    return params, one(desc, i + 1)[0]


def strip(source: str) -> str:
    """Source without comments, string and char literals (so their text never looks like a declaration)."""
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', " ", source, flags=re.S)


def erase(t: str) -> str:
    t = re.sub(r"@[\w.]+(\([^)]*\))?", " ", t)
    while "<" in t:
        t = re.sub(r"<[^<>]*>", "", t)
    t = t.replace("...", "[]").replace("final ", " ").strip()
    t = re.sub(r"\s+\[", "[", t)
    return t.split()[-1] if t else t


def split_params(params: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in params:
        depth += ch in "<(" and 1 or (ch in ">)" and -1 or 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    types = []
    for p in out:
        p = re.sub(r"@[\w.]+(\([^)]*\))?", " ", p).strip()
        words = p.rsplit(None, 1)
        types.append(erase(words[0] if len(words) == 2 else p))
    return types


def same_type(source: str, wanted: str, resolve) -> bool:
    """Whether a source type (as written) is the descriptor's type; {@code resolve} maps a written name to
    its fully qualified name, or None when the imports do not decide it (then simple names are compared)."""
    base, dims = source.rstrip("[]"), source[len(source.rstrip("[]")):]
    if re.fullmatch(r"[A-Z][A-Z0-9]?", base):  # a type variable: erased to a bound we do not resolve
        return dims.count("[]") <= wanted.count("[]")
    if base in PRIMITIVES.values():
        return source == wanted
    full = resolve(base)
    if full is not None:
        return full + dims == wanted
    return base.split(".")[-1] + dims == wanted.split(".")[-1]


class Sources:
    """The Java sources of one git tag, indexed by class path (org/geotools/x/Y)."""

    def __init__(self, repo: Path, tag: str):
        self.repo, self.tag = repo, tag
        names = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", tag],
                               capture_output=True, text=True, check=True).stdout.split("\n")
        self.paths = {}
        for n in names:
            m = re.search(r"/src/main/java/(org/geotools/.+)\.java$", n)
            if m and m.group(1) not in self.paths:
                self.paths[m.group(1)] = n
        self.cache: dict[str, str] = {}

    def text(self, cls: str) -> str | None:
        top = cls.split("$")[0]
        if top not in self.paths:
            return None
        if top not in self.cache:
            self.cache[top] = strip(subprocess.run(["git", "-C", str(self.repo), "show", f"{self.tag}:{self.paths[top]}"],
                                                   capture_output=True, text=True, check=True).stdout)
        return self.cache[top]

    def resolver(self, cls: str):
        """Maps a type name as written in {@code cls}'s source to a.b.C, or None when undecidable."""
        src = self.text(cls) or ""
        package = cls.rsplit("/", 1)[0]
        top = cls.split("$")[0]
        imports = dict((i.split(".")[-1], i) for i in re.findall(r"^import\s+([\w.]+);", src, re.M))
        wildcards = re.findall(r"^import\s+([\w.]+)\.\*;", src, re.M)
        nested = set(re.findall(r"\b(?:class|interface|enum|record)\s+(\w+)", src))

        def resolve(name: str) -> str | None:
            if "." in name:
                if name[0].islower():
                    return name
                first, rest = name.split(".", 1)
                head = resolve(first)
                return None if head is None else head + "." + rest
            if name in imports:
                return imports[name]
            if name in nested and name != top.split("/")[-1]:
                return top.replace("/", ".") + "." + name
            if f"{package}/{name}" in self.paths or name == top.split("/")[-1]:
                return f"{package}/{name}".replace("/", ".")
            for w in wildcards:
                if w.replace(".", "/") + "/" + name in self.paths or f"{w}.{name}" in JDK.classes():
                    return f"{w}.{name}"
            if f"java.lang.{name}" in JDK.classes():
                return f"java.lang.{name}"
            return None

        return resolve

    def supertypes(self, cls: str) -> list[str]:
        """GeoTools supertypes as class paths (org/geotools/x/Y), others as 'external:a.b.C' (or the name as written)."""
        src = self.text(cls)
        if src is None:
            return []
        simple = cls.split("/")[-1].split("$")[-1]
        m = re.search(r"\b(?:class|interface|enum|record)\s+" + re.escape(simple) + r"\b[^{]*?\{", src, re.S)
        if not m:
            return []
        header = m.group(0)
        while "<" in header:
            header = re.sub(r"<[^<>]*>", "", header)
        names = []
        for part in re.findall(r"\b(?:extends|implements)\s+([\w.,\s]+?)(?=\bimplements\b|\{|$)", header):
            names += [n.strip() for n in part.split(",") if n.strip()]
        resolve = self.resolver(cls)
        out = []
        for n in names:
            full = resolve(n) or n
            path = full.replace(".", "/")
            out.append(path if self.text(path) is not None else "external:" + full)
        return out

    def declares(self, cls: str, ref: Ref) -> bool:
        src = self.text(cls)
        if src is None:
            return False
        if ref.name == "":
            simple = cls.split("/")[-1].split("$")[-1]
            return re.search(r"\b(?:class|interface|enum|record|@interface)\s+" + re.escape(simple) + r"\b", src) is not None
        if ref.descriptor == "@":  # annotation element: a method without parameters
            return re.search(r"\b" + re.escape(ref.name) + r"\s*\(\s*\)", src) is not None
        name = cls.split("/")[-1].split("$")[-1] if ref.name == "<init>" else ref.name
        params, ret = descriptor_types(ref.descriptor)
        resolve = self.resolver(cls)
        if not ref.descriptor.startswith("("):  # field or enum constant
            return re.search(r"[\w>\]]\s+" + re.escape(name) + r"\s*[=;,]|^\s*" + re.escape(name) + r"\s*[(,;]",
                             src, re.M) is not None
        for m in re.finditer(r"([\w.<>\[\],?\s]*?)\b" + re.escape(name) + r"\s*\(", src):
            before = src[:m.start(0) + len(m.group(1))].rstrip()
            if not before or not (before[-1].isalnum() or before[-1] in ">]_"):
                continue
            prev = re.split(r"[\s(]+", before)[-1]
            if prev in KEYWORDS:
                continue
            depth, i = 1, m.end()
            while depth and i < len(src):
                depth += {"(": 1, ")": -1}.get(src[i], 0)
                i += 1
            if not re.match(r"\s*(throws\b[^{;]*)?[{;]|\s*default\b", src[i:]):
                continue
            types = split_params(src[m.end():i - 1])
            if len(types) != len(params) or not all(same_type(s, w, resolve) for s, w in zip(types, params)):
                continue
            if ref.name != "<init>" and not same_type(erase(prev), ret, resolve):
                continue
            return True
        return False

    def find(self, ref: Ref) -> str:
        """'found', 'found in <JDK type>', 'unverified: <non-GeoTools supertypes>' or 'missing'."""
        seen, todo, external = set(), [ref.owner], []
        while todo:
            cls = todo.pop()
            if cls in seen:
                continue
            seen.add(cls)
            if cls.startswith("external:"):
                name = cls[len("external:"):]
                if name in JDK.classes():
                    if JDK.declares(name, ref):
                        return "found in " + name
                else:
                    external.append(name)
                continue
            if self.declares(cls, ref):
                return "found"
            if ref.name in ("", "<init>"):
                break  # a class or a constructor is never inherited
            todo += self.supertypes(cls)
        return "unverified: " + ", ".join(sorted(external)) if external else "missing"


class JDK:
    """The running JDK's classes (from `java --list-modules` + jimage) and their members (javap -s)."""
    _classes: set[str] | None = None
    _members: dict[str, str] = {}

    @classmethod
    def classes(cls) -> set[str]:
        if cls._classes is None:
            java_home = Path(subprocess.run(["java", "-XshowSettings:properties", "-version"], capture_output=True,
                                            text=True).stderr.split("java.home = ")[1].split("\n")[0].strip())
            listing = subprocess.run(["jimage", "list", str(java_home / "lib" / "modules")], capture_output=True,
                                     text=True, check=True).stdout
            cls._classes = {n.strip()[:-6].replace("/", ".") for n in listing.splitlines()
                            if n.strip().endswith(".class") and "$" not in n}
        return cls._classes

    @classmethod
    def declares(cls, name: str, ref: Ref) -> bool:
        if name not in cls._members:
            cls._members[name] = subprocess.run(["javap", "-p", "-s", name], capture_output=True, text=True).stdout
        return re.search(r"\b" + re.escape(ref.name) + r"\(.*\n\s+descriptor: " + re.escape(ref.descriptor) + "\n",
                         cls._members[name]) is not None


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    classes, repo, tags = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    refs = sorted(references(classes), key=lambda r: (r.owner, r.name, r.descriptor))
    forbidden = [r for r in refs if r.descriptor.startswith("FORBIDDEN")]
    refs = [r for r in refs if r not in forbidden]
    counts = {t: {"found": 0, "unverified": 0, "missing": 0} for t in tags}
    bad = 0
    sources = {t: Sources(repo, t) for t in tags}
    for r in refs:
        status = {t: sources[t].find(r) for t in tags}
        for t, s in status.items():
            counts[t][s.split()[0].rstrip(":")] += 1
        if any(not s.startswith("found") for s in status.values()):
            bad += 1
            print(f"{r.owner.replace('/', '.')}.{r.name or '<class>'} {r.descriptor}: "
                  + ", ".join(f"{t} {s}" for t, s in status.items()))
    for r in forbidden:
        print(f"{r.owner} referenced ({r.descriptor})")
    print(f"{len(refs)} GeoTools references in {classes}")
    for t in tags:
        c = counts[t]
        print(f"  GeoTools {t}: {c['found']} found, {c['unverified']} unverified (inherited from a non-GeoTools, "
              f"non-JDK type), {c['missing']} missing")
    print(f"  JAI/ImageN references: {len(forbidden)}")
    return 1 if any(c["missing"] for c in counts.values()) or forbidden else 0


if __name__ == "__main__":
    sys.exit(main())
