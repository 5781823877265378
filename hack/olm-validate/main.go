// olm-validate checks an OLM registry+v1 bundle directory with the operator-framework validation library, the checks
// `operator-sdk bundle validate --select-optional suite=operatorframework` runs: the default bundle validators (CSV, CRDs,
// bundle) plus OperatorHub metadata, standard categories and capabilities, good practices, deprecated APIs and bundle
// objects. It also checks metadata/annotations.yaml, which the library only reads. Exit status 1 on any error, and on
// any warning unless -allow-warnings is given.
//
// -accept SUBSTRING (repeatable) accepts warnings that contain it: for warnings that are known false positives, such as
// the deprecated-API check, which flags RBAC rules for events and poddisruptionbudgets although rules carry no version.
//
// Usage: olm-validate [-k8s-version 1.34] [-allow-warnings] [-accept SUBSTRING]... <bundle-dir>
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/validation"
	"sigs.k8s.io/yaml"
)

func main() {
	k8sVersion := flag.String("k8s-version", "1.34", "Kubernetes version to check for removed APIs")
	allowWarnings := flag.Bool("allow-warnings", false, "exit 0 when there are warnings but no errors")
	var accepted acceptList
	flag.Var(&accepted, "accept", "accept warnings containing this text (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: olm-validate [-k8s-version 1.34] [-allow-warnings] [-accept SUBSTRING]... <bundle-dir>")
		os.Exit(2)
	}
	dir := flag.Arg(0)

	errs, warns := 0, 0
	report := func(level, source, msg string) {
		fmt.Printf("%s %s: %s\n", level, source, msg)
		if level == "ERROR" {
			errs++
		} else {
			warns++
		}
	}

	bundle, err := manifests.GetBundleFromDir(dir)
	if err != nil || bundle == nil {
		fmt.Printf("ERROR bundle: cannot load %s: %v\n", dir, err)
		os.Exit(1)
	}
	for _, problem := range checkAnnotations(dir, bundle) {
		report("ERROR", "metadata/annotations.yaml", problem)
	}

	validators := validation.DefaultBundleValidators.WithValidators(
		validation.OperatorHubV2Validator,
		validation.StandardCapabilitiesValidator,
		validation.StandardCategoriesValidator,
		validation.GoodPracticesValidator,
		validation.AlphaDeprecatedAPIsValidator,
		validation.ObjectValidator,
	)
	objects := append(bundle.ObjectsToValidate(), map[string]string{"k8s-version": *k8sVersion})
	for _, result := range validators.Validate(objects...) {
		for _, e := range result.Errors {
			report("ERROR", result.Name, e.Error())
		}
		for _, w := range result.Warnings {
			if accepted.matches(w.Error()) {
				fmt.Printf("ACCEPTED-WARN %s: %s\n", result.Name, w.Error())
				continue
			}
			report("WARN", result.Name, w.Error())
		}
	}

	fmt.Printf("olm-validate: %s (CSV %s, %d objects): %d error(s), %d warning(s)\n",
		dir, bundle.CSV.GetName(), len(bundle.Objects), errs, warns)
	if errs > 0 || (warns > 0 && !*allowWarnings) {
		os.Exit(1)
	}
}

type acceptList []string

func (a *acceptList) String() string     { return strings.Join(*a, "; ") }
func (a *acceptList) Set(v string) error { *a = append(*a, v); return nil }
func (a acceptList) matches(msg string) bool {
	for _, s := range a {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// checkAnnotations applies the registry+v1 rules for metadata/annotations.yaml that opm and operator-sdk enforce.
func checkAnnotations(dir string, bundle *manifests.Bundle) []string {
	raw, err := os.ReadFile(filepath.Join(dir, "metadata", "annotations.yaml"))
	if err != nil {
		return []string{err.Error()}
	}
	var file struct {
		Annotations map[string]string `json:"annotations"`
	}
	if err := yaml.UnmarshalStrict(raw, &file); err != nil {
		return []string{err.Error()}
	}
	const prefix = "operators.operatorframework.io.bundle."
	want := map[string]string{
		prefix + "mediatype.v1": "registry+v1",
		prefix + "manifests.v1": "manifests/",
		prefix + "metadata.v1":  "metadata/",
	}
	var problems []string
	for key, value := range want {
		if got := file.Annotations[key]; got != value {
			problems = append(problems, fmt.Sprintf("%s is %q, want %q", key, got, value))
		}
	}
	pkg := file.Annotations[prefix+"package.v1"]
	if pkg == "" {
		problems = append(problems, prefix+"package.v1 is missing")
	} else if !strings.HasPrefix(bundle.CSV.GetName(), pkg+".") {
		problems = append(problems, fmt.Sprintf("CSV name %q does not start with the package name %q", bundle.CSV.GetName(), pkg))
	}
	channels := strings.Split(file.Annotations[prefix+"channels.v1"], ",")
	if channels[0] == "" {
		problems = append(problems, prefix+"channels.v1 is missing")
	}
	if def := file.Annotations[prefix+"channel.default.v1"]; def != "" {
		found := false
		for _, c := range channels {
			found = found || c == def
		}
		if !found {
			problems = append(problems, fmt.Sprintf("default channel %q is not one of the channels %v", def, channels))
		}
	}
	return problems
}
