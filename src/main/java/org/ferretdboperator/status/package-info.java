/**
 * What the operator reports about the objects it reconciles, for every kind: the condition vocabulary and the
 * condition list builder ({@link org.ferretdboperator.status.Conditions}), the problems that block a reconcile
 * ({@link org.ferretdboperator.status.Problem}), Kubernetes Events
 * ({@link org.ferretdboperator.status.EventRecorder}) and the one way a status is written
 * ({@link org.ferretdboperator.status.StatusWriter}).
 */
package org.ferretdboperator.status;
