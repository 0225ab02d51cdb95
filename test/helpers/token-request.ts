/**
 * The user names that the TokenRequest rule (rules/kubernetes/audit/
 * k8s_serviceaccount_token_created_via_tokenrequest.yml) excludes, in Sigma glob form.
 *
 * This list is the expected value, reasoned by hand from Elastic's shipped query
 * (shared/reference/elastic-detection-rules/
 * credential_access_kubernetes_service_account_token_created_via_tokenrequest.702476fc.toml):
 * its 15 `user.name` alternatives with KQL's `\:` unescaped and a trailing unescaped `*` kept as the
 * Sigma wildcard. It is the single copy in the tests; the fixtures test checks the rule file
 * against it, the backend and scanner tests build the rule's IR from it.
 */
export const TOKEN_REQUEST_EXCLUSIONS: readonly string[] = [
  "system:kube-controller-manager",
  "system:kube-scheduler",
  "system:node:*",
  "system:serviceaccount:kube-system:*",
  "eks:*",
  "aksService",
  "aks-service",
  "masterclient",
  "nodeclient",
  "system:serviceaccount:gke-managed-system:*",
  "system:serviceaccount:gke-connect:*",
  "system:serviceaccount:anthos-identity-service:*",
  "system:gke-controller-manager",
  "system:serviceaccount:tigera-operator:*",
  "system:serviceaccount:calico-system:*",
];

/** Each exclusion as [literal text, ends with a `*` wildcard]; no entry has another wildcard. */
export const TOKEN_REQUEST_PREFIXES: readonly (readonly [string, boolean])[] =
  TOKEN_REQUEST_EXCLUSIONS.map((u) => (u.endsWith("*") ? [u.slice(0, -1), true] : [u, false]));
